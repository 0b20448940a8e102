// Finsam web page, what-if: the chosen scenario's levers (each year's budget and split, each insats's places or
// FTE) as fields prefilled with the plan; "Jämför med planen" runs the change against the plan with the same
// random numbers (POST /api/scenarios/{file}/whatif) and shows both side by side, with the change as a variant.
// Uses app.js's helpers ($, api, json, number, decimal, source). Plain JavaScript, no dependencies.
"use strict";

const whatIf = { file: null, levers: null, downloadUrl: null };

const WHATIF_FIGURES = [
  { key: "served", label: "Personer som fått insats", unit: "people" },
  { key: "work_or_studies", label: "… som gick till arbete eller studier", unit: "people" },
  { key: "self_sufficient_12m", label: "Självförsörjande 12 månader efter anvisning", unit: "share" },
  { key: "self_sufficient_12m_effect", label: "Effekt på självförsörjning efter 12 månader", unit: "points" },
  { key: "mean_wait_months", label: "Genomsnittlig väntetid till insats", unit: "months" },
  { key: "spend", label: "Förbundets kostnad för insatser", unit: "SEK" },
  { key: "cost_per_participant", label: "Kostnad per deltagare", unit: "SEK" },
  { key: "cost_per_self_sufficient", label: "Kostnad per självförsörjande person", unit: "SEK" },
  { key: "ersattning_difference", label: "Ersättning mot utan förbundet (negativ = sparad)", unit: "SEK" },
];

// The socio-economic account (when the scenario has `economics:`): each sector's net with the follow-up years, discounted.
const SECTORS = [["society", "Samhället som helhet"], ["stat", "Staten (inkl. FK och AF)"], ["region", "Regionen"], ["kommun", "Kommunen"], ["individual", "Individen"]];
const ECONOMICS = [
  ...SECTORS.map(([k, name]) => ({ key: `${k}_net_follow_up`, label: `${name}: netto med uppföljningsåren (diskonterat)`, unit: "SEK" })),
  { key: "forbund_spend", label: "Förbundets kostnad inkl. personal från parterna", unit: "SEK" },
  { key: "payback_months", label: "Återbetalningstid för samhället", unit: "months" },
  { key: "cost_per_work_or_studies", label: "Kostnad per person till arbete eller studier", unit: "SEK" },
];

const signed = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0, signDisplay: "exceptZero" });
const signedDecimal = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" });

/** A value in its unit; with sign, for a difference. Money in mnkr (millions) or tkr, shares in percent. */
function formatValue(v, unit, diff) {
  const n = diff ? signed : number, d = diff ? signedDecimal : decimal;
  switch (unit) {
    case "share": return `${d.format(100 * v)} ${diff ? "p.e." : "%"}`;
    case "points": return `${d.format(v)} p.e.`;
    case "months": return `${d.format(v)} mån`;
    case "SEK": return Math.abs(v) >= 1e6 ? `${d.format(v / 1e6)} mnkr` : `${n.format(v / 1e3)} tkr`;
    default: return n.format(v);
  }
}

function whatIfFile() {
  return source() === "shipped" ? $("scenario").value : "";
}

async function loadLevers() {
  const file = whatIfFile();
  const section = $("whatif-section");
  if (!file) { section.hidden = true; whatIf.file = null; return; }
  if (file === whatIf.file) { section.hidden = false; return; }
  whatIf.file = file;
  $("whatif-result").hidden = true;
  $("whatif-status").textContent = "";
  $("whatif-message").replaceChildren();
  try {
    const response = await api(`/api/scenarios/${encodeURIComponent(file)}/levers`);
    if (!response.ok) throw new Error(`Spakarna kunde inte läsas (HTTP ${response.status}).`);
    const levers = await response.json();
    if (whatIf.file !== file) return;       // another scenario was chosen meanwhile
    whatIf.levers = levers;
    buildLevers(levers);
    section.hidden = false;
  } catch (e) {
    section.hidden = true;
    whatIf.file = null;
  }
}

function cell(row, content, header) {
  const c = document.createElement(header ? "th" : "td");
  if (header) c.scope = header;
  if (content instanceof Node) c.appendChild(content); else c.textContent = content;
  row.appendChild(c);
  return c;
}

function leverInput(id, label, plan, step, className) {
  const input = document.createElement("input");
  input.type = "number";
  input.id = id;
  input.min = "0";
  input.step = step;
  input.value = String(plan);
  input.dataset.plan = String(plan);
  input.setAttribute("aria-label", label);
  if (className) input.className = className;
  input.addEventListener("input", () => markChanged(input));
  return input;
}

function markChanged(input) {
  if (input.value !== "" && Number(input.value) === Number(input.dataset.plan)) input.removeAttribute("data-changed");
  else input.setAttribute("data-changed", "");
}

function buildLevers(levers) {
  $("whatif-scenario").textContent = `${levers.scenario} (${levers.file})`;
  const budget = $("whatif-budget");
  budget.replaceChildren(budget.querySelector("caption") || document.createElement("caption"));
  const head = budget.createTHead().insertRow();
  cell(head, "År", "col");
  cell(head, "Budget (kr)", "col");
  for (const line of levers.lines) cell(head, `${line.name} (%)`, "col");
  const body = budget.createTBody();
  for (const y of levers.years) {
    const row = body.insertRow();
    row.dataset.year = y.year;
    cell(row, String(y.year), "row");
    const total = y.total === null || y.total === undefined
      ? document.createTextNode("parternas belopp")
      : leverInput(`whatif-total-${y.year}`, `Budget ${y.year} (kr)`, y.total, "100000");
    const tc = cell(row, total);
    if (y.totalUncertainty) tc.title = `Osäker i planen: ${y.totalUncertainty}; en ändring skalar fördelningen till det nya medelvärdet.`;
    for (const line of levers.lines) {
      if (!(line.id in y.shares)) { cell(row, "–"); continue; }
      const input = leverInput(`whatif-share-${y.year}-${line.id}`, `${line.name} ${y.year} (%)`, y.shares[line.id], "1", "share");
      input.max = "100";
      input.dataset.year = y.year;
      input.dataset.line = line.id;
      input.addEventListener("input", () => balance(input));
      cell(row, input);
    }
  }
  const insatser = $("whatif-insatser");
  insatser.replaceChildren(insatser.querySelector("caption") || document.createElement("caption"));
  const ih = insatser.createTHead().insertRow();
  cell(ih, "Insats", "col");
  cell(ih, "Kapacitet", "col");
  cell(ih, "Enhet", "col");
  const ib = insatser.createTBody();
  for (const i of levers.insatser) {
    const row = ib.insertRow();
    row.dataset.insats = i.insats;
    cell(row, i.name, "row").title = i.insats;
    const unit = i.unit === "fte" ? "årsarbetare" : "platser";
    const input = leverInput(`whatif-cap-${i.insats}`, `${i.name} (${unit})`, Math.round(i.value * 1000) / 1000, i.unit === "fte" ? "0.5" : "1");
    input.dataset.exact = String(i.value);
    const c = cell(row, input);
    if (i.uncertainty) c.title = `Osäker i planen: ${i.uncertainty}, medelvärde ${decimal.format(i.value)}; en ändring skalar fördelningen till det nya medelvärdet.`;
    cell(row, unit + (i.uncertainty ? " (medel)" : ""));
  }
  const replicates = $("whatif-replicates");
  replicates.max = String(levers.maxReplicates);
  replicates.value = String(levers.replicates);
  $("whatif-replicates-hint").textContent =
    `1–${levers.maxReplicates}. Slumpfrö ${levers.seed}: samma för planen och ändringen.`;
}

/** With two budget lines in a year, the other share follows so the year still sums to 100 %. */
function balance(input) {
  const others = Array.from(document.querySelectorAll(`#whatif-budget input.share[data-year="${input.dataset.year}"]`)).filter(x => x !== input);
  if (others.length !== 1 || input.value === "") return;
  const rest = Math.round((100 - Number(input.value)) * 1e6) / 1e6;
  if (rest < 0) return;
  others[0].value = String(rest);
  markChanged(others[0]);
}

function readChanges() {
  const years = whatIf.levers.years.map(y => {
    const change = { year: y.year };
    const total = $(`whatif-total-${y.year}`);
    if (total && total.hasAttribute("data-changed")) change.total = total.value === "" ? NaN : Number(total.value);
    const shares = {};
    let changed = false;
    for (const input of document.querySelectorAll(`#whatif-budget input.share[data-year="${y.year}"]`)) {
      shares[input.dataset.line] = input.value === "" ? NaN : Number(input.value);
      changed = changed || input.hasAttribute("data-changed");
    }
    if (changed) change.shares = shares;
    return change;
  }).filter(c => "total" in c || "shares" in c);
  const insatser = whatIf.levers.insatser
    .map(i => ({ input: $(`whatif-cap-${i.insats}`), insats: i.insats }))
    .filter(x => x.input.hasAttribute("data-changed"))
    .map(x => ({ insats: x.insats, value: x.input.value === "" ? NaN : Number(x.input.value) }));
  return { years, insatser };
}

const WHATIF_MESSAGES = [
  [/^the shares sum to ([\d.]+) %/, m => `andelarna blir ${m[1]} % – de måste bli 100 %`],
  [/^a share must be between 0 and 100/, () => "en andel måste vara mellan 0 och 100 %"],
  [/^places must be more than 0/, () => "antalet platser måste vara större än 0"],
  [/^FTE must be more than 0/, () => "antalet årsarbetare måste vara större än 0"],
  [/^the total must be a number/, () => "budgeten måste vara ett belopp i kronor, 0 eller mer"],
  [/^nothing differs from the plan/, () => "inget fält skiljer sig från planen – ändra minst ett"],
  [/^a what-if runs 1 to (\d+) replicates/, m => `antalet replikat måste vara mellan 1 och ${m[1]}`],
];

function showWhatIfProblems(body, status) {
  const box = $("whatif-message");
  box.replaceChildren();
  const p = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = status === 400 ? "Ändringen kunde inte köras – inget har körts." : `Servern svarade med fel (HTTP ${status}).`;
  p.appendChild(strong);
  box.appendChild(p);
  const ul = document.createElement("ul");
  ul.className = "problems";
  for (const [key, messages] of Object.entries((body && body.errors) || {}))
    for (const message of messages) {
      const li = document.createElement("li");
      const hit = WHATIF_MESSAGES.map(([re, f]) => [re.exec(message), f]).find(([m]) => m);
      li.textContent = `${key}: ${hit ? hit[1](hit[0]) : message}`;
      ul.appendChild(li);
    }
  if (!ul.children.length && body && body.detail) { const li = document.createElement("li"); li.textContent = body.detail; ul.appendChild(li); }
  box.appendChild(ul);
}

async function runWhatIf(event) {
  event.preventDefault();
  if (!whatIf.levers) return;
  const button = $("whatif-run");
  const replicates = $("whatif-replicates").value;
  const body = Object.assign(readChanges(), { name: $("whatif-name").value });
  $("whatif-message").replaceChildren();
  $("whatif-result").hidden = true;
  $("whatif-status").textContent = `Kör planen och ändringen med ${replicates} replikat vardera …`;
  button.disabled = true;
  try {
    const response = await api(`/api/scenarios/${encodeURIComponent(whatIf.file)}/whatif?replicates=${encodeURIComponent(replicates)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? -1 : v)),
    });
    const answer = await json(response);
    if (!response.ok) { $("whatif-status").textContent = ""; showWhatIfProblems(answer, response.status); return; }
    showWhatIf(answer);
  } catch (e) {
    $("whatif-status").textContent = "";
    showWhatIfProblems({ detail: e.message }, 0);
  } finally {
    button.disabled = false;
  }
}

function statCell(row, stat, unit, className, diff) {
  const c = row.insertCell();
  c.className = className;
  if (!stat) { c.textContent = "–"; return c; }
  const mean = document.createElement("span");
  mean.className = diff ? "diff" : "mean";
  mean.textContent = formatValue(stat.mean, unit, diff);
  const interval = document.createElement("span");
  interval.className = "interval";
  interval.textContent = `${formatValue(stat.p5, unit, diff)} – ${formatValue(stat.p95, unit, diff)}`;
  interval.setAttribute("aria-label", `90 %-intervall ${interval.textContent.replace(" – ", " till ")}`);
  c.append(mean, interval);
  return c;
}

function comparisonTable(table, caption, rows) {
  table.replaceChildren();
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  for (const h of ["", "Planen", "Ändringen", "Skillnad (ändring − plan)", "Bättre i andel av replikaten"]) cell(head, h, "col");
  const body = table.createTBody();
  for (const r of rows) {
    const [plan, change] = r.values;
    const row = body.insertRow();
    row.dataset[r.dataKey] = r.key;
    cell(row, r.label, "row");
    statCell(row, plan.value, r.unit, "plan");
    statCell(row, change.value, r.unit, "change");
    const d = statCell(row, change.difference, r.unit, "difference", true);
    const p = row.insertCell();
    p.className = "pbetter";
    // A difference that is exactly zero in every replicate has no probability of being better.
    const zero = change.difference && change.difference.p5 === 0 && change.difference.p95 === 0;
    p.textContent = change.probabilityBetter === null || change.probabilityBetter === undefined || zero ? "–" : `${number.format(100 * change.probabilityBetter)} %`;
    if (zero || change.probabilityBetter === null || change.probabilityBetter === undefined) continue;
    if (change.probabilityBetter >= 0.9) d.classList.add("better");
    else if (change.probabilityBetter <= 0.1 && change.probabilityHigher + change.probabilityLower > 0.5) d.classList.add("worse");
  }
}

function showWhatIf(answer) {
  const c = answer.comparison;
  const figures = WHATIF_FIGURES.map(f => ({ f, row: c.figures.find(x => x.key === f.key) })).filter(x => x.row)
    .map(({ f, row }) => ({ key: f.key, label: f.label, unit: f.unit, values: row.values, dataKey: "figure" }));
  comparisonTable($("whatif-figures"), "Nyckeltal: medelvärde och 90 %-intervall; skillnaden är parvis, replikat för replikat (p.e. = procentenheter)", figures);
  const economics = ECONOMICS.map(f => ({ f, row: c.figures.find(x => x.key === f.key) })).filter(x => x.row)
    .map(({ f, row }) => ({ key: f.key, label: f.label, unit: f.unit, values: row.values, dataKey: "figure" }));
  $("whatif-economics-box").hidden = economics.length === 0;
  if (economics.length)
    comparisonTable($("whatif-economics"), "Samhällsekonomi per sektor: vinst (+) eller kostnad (−) mot utan förbundet, och återbetalningstid", economics);
  const parties = c.parties.map(p => {
    const net = p.measures.find(m => m.key === "net");
    return { key: p.party, label: p.name, unit: "SEK", values: net.values, dataKey: "party" };
  });
  comparisonTable($("whatif-parties"), "Per part, netto: bidrag + personal + ersättning mot utan förbundet (negativt = parten vinner; lägre är bättre)", parties);
  $("whatif-yaml").textContent = answer.variant;
  if (whatIf.downloadUrl) URL.revokeObjectURL(whatIf.downloadUrl);
  whatIf.downloadUrl = URL.createObjectURL(new Blob([answer.variant], { type: "application/yaml" }));
  $("whatif-download").href = whatIf.downloadUrl;
  $("whatif-download").download = `${($("whatif-name").value || "variant").replace(/[^\p{L}\p{N}_-]+/gu, "-")}.yaml`;
  $("whatif-status").textContent =
    `Klart på ${decimal.format(answer.seconds)} s: ${answer.replicates} replikat, slumpfrö ${answer.seed}, samma för planen och ändringen. `
    + `Ändrat: ${answer.edits.map(e => `${e.path} = ${e.yaml}`).join("; ")}.`;
  $("whatif-result").hidden = false;
}

function resetLevers() {
  if (whatIf.levers) buildLevers(whatIf.levers);
  $("whatif-result").hidden = true;
  $("whatif-message").replaceChildren();
  $("whatif-status").textContent = "";
}

$("whatif-form").addEventListener("submit", runWhatIf);
$("whatif-reset").addEventListener("click", resetLevers);
$("whatif-copy").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText($("whatif-yaml").textContent); $("whatif-status").textContent = "Varianten är kopierad."; }
  catch { $("whatif-status").textContent = "Kunde inte kopiera – markera texten och kopiera den själv."; }
});
$("scenario").addEventListener("change", loadLevers);
for (const radio of document.querySelectorAll("input[name=source]")) radio.addEventListener("change", loadLevers);
// app.js fills the scenario list after the page loads (and sets its value without a change event).
new MutationObserver(loadLevers).observe($("scenario"), { childList: true });
