// Finsam web page: choose a scenario (shipped or uploaded) and variants, run, follow progress,
// cancel, read the report, and compare the headline figures of the variants side by side.
// Plain JavaScript, no dependencies: the silo serves this file as it is.
"use strict";
const $ = id => document.getElementById(id);
const POLL_MS = 500;
const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const STATE_TEXT = { running: "pågår", completed: "klar", failed: "misslyckades", cancelled: "avbruten" };
const number = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

let shipped = [];          // GET /api/scenarios
let uploaded = null;       // { name, text, entry } of the chosen file once the server has checked it
let batchCount = 0;
let reportUrl = null;      // object URL behind the "open alone" link, revoked when replaced
let reportBatch = null;    // the batch whose report is shown

// ---- HTTP --------------------------------------------------------------------------------------

function apiKey() {
  return $("apikey").value || sessionStorage.getItem("finsam-key") || "";
}

class ApiError extends Error {
  constructor(message, body) { super(message); this.body = body; }
}

async function api(path, options) {
  options = options || {};
  const headers = Object.assign({}, options.headers || {});
  const key = apiKey();
  if (key) headers["X-Api-Key"] = key;
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers }));
  } catch (e) {
    throw new ApiError("Kunde inte nå servern. Kontrollera att Finsam är igång och försök igen.");
  }
  if (response.status === 401) {
    $("key-row").hidden = false;
    throw new ApiError("Servern kräver en API-nyckel. Skriv in den och försök igen.");
  }
  return response;
}

/** The body of an answer as JSON, or null when it has none or is not JSON (Kestrel's own 4xx have no body). */
async function json(response) {
  const text = await response.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

// ---- Error messages in Swedish ----------------------------------------------------------------

const TITLES = [
  [/^the scenario is not valid/, () => "Scenariot är inte giltigt – inget har körts."],
  [/^replicates must be between 1 and (\d+)/, m => `Antalet replikat måste vara mellan 1 och ${m[1]}.`],
  [/^no shipped scenario/, () => "Scenariot finns inte längre på servern. Ladda om sidan."],
  [/^the body is larger than (\d+) KiB/, m => `Filen är för stor: högst ${m[1]} KiB går att skicka.`],
  [/^the body is not UTF-8/, () => "Filen är inte UTF-8-text. Spara den som UTF-8 och försök igen."],
  [/^send a scenario/, () => "Filen är tom."],
];

function swedishTitle(title, status) {
  for (const [pattern, text] of TITLES) {
    const m = pattern.exec(title || "");
    if (m) return text(m);
  }
  if (status === 413) return "Filen är för stor.";
  if (status === 415) return "Servern tar inte emot den filtypen; skicka scenariot som YAML.";
  return title ? `Servern svarade: ${title}` : `Servern svarade med fel (HTTP ${status}).`;
}

/** Renders a refused request: a Swedish heading and every problem with its line and column. */
function showProblems(body, status, fileName) {
  const box = $("message");
  box.replaceChildren();
  const head = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = swedishTitle(body && body.title, status);
  head.appendChild(strong);
  box.appendChild(head);
  const problems = (body && body.problems) || [];
  if (problems.length) {
    const intro = document.createElement("p");
    intro.textContent = problems.length === 1 ? "Rätta följande och försök igen:" : `Rätta följande ${problems.length} problem och försök igen:`;
    box.appendChild(intro);
    const list = document.createElement("ul");
    list.className = "problems";
    for (const p of problems) {
      const item = document.createElement("li");
      const where = [];
      const file = p.file === "uploaded.yaml" && fileName ? fileName : p.file;
      if (file && file !== fileName) where.push(file);
      if (p.line > 0) where.push(`rad ${p.line}, kolumn ${p.column}`);
      const pos = document.createElement("span");
      pos.className = "where";
      pos.textContent = where.length ? where.join(", ") : "hela filen";
      item.appendChild(pos);
      item.append(": ");
      if (p.path) {
        const code = document.createElement("code");
        code.textContent = p.path;
        item.append(code, " – ");
      }
      item.append(p.message);
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  box.focus();
}

function showMessage(text) {
  const box = $("message");
  box.replaceChildren();
  if (!text) return;
  const p = document.createElement("p");
  p.textContent = text;
  box.appendChild(p);
}

// ---- Choosing a scenario ----------------------------------------------------------------------

async function loadScenarios() {
  try {
    const response = await api("/api/scenarios");
    if (!response.ok) throw new ApiError(swedishTitle((await json(response) || {}).title, response.status));
    shipped = await response.json();
    const select = $("scenario");
    const previous = select.value;
    select.replaceChildren();
    for (const s of shipped) {
      const option = document.createElement("option");
      option.value = s.file;
      option.textContent = `${s.name} (${s.file})`;
      select.appendChild(option);
    }
    if (!shipped.length) {
      const option = document.createElement("option");
      option.value = "";
      option.textContent = "Servern har inga scenarier – ladda upp en egen fil";
      select.appendChild(option);
    }
    if (shipped.some(s => s.file === previous)) select.value = previous;
    else if (shipped.some(s => s.file === "example-forbund.yaml")) select.value = "example-forbund.yaml";
    showMessage("");
    showVariants();
  } catch (e) {
    showMessage(e.message);
  }
}

function source() {
  return document.querySelector("input[name=source]:checked").value;
}

function showVariants() {
  const box = $("variants");
  const checked = new Set(Array.from(box.querySelectorAll("input:checked")).map(c => c.value));
  box.replaceChildren();
  const entry = source() === "upload" ? (uploaded && uploaded.entry) : shipped.find(s => s.file === $("scenario").value);
  const variants = entry ? entry.variants : [];
  $("variants-box").hidden = variants.length === 0;
  variants.forEach((v, i) => {
    const row = document.createElement("div");
    row.className = "choice";
    const check = document.createElement("input");
    check.type = "checkbox";
    check.id = `variant-${i}`;
    check.value = v.name;
    check.checked = checked.has(v.name);
    const label = document.createElement("label");
    label.htmlFor = check.id;
    label.textContent = v.name;
    if (v.description) {
      const d = document.createElement("span");
      d.className = "description";
      d.textContent = ` – ${v.description}`;
      label.appendChild(d);
    }
    row.append(check, label);
    box.appendChild(row);
  });
}

/** Reads the chosen file and lets the server check it, so problems show before anything runs. */
async function inspectUpload() {
  const file = $("upload").files[0];
  uploaded = null;
  showMessage("");
  if (!file) { showVariants(); return; }
  $("source-upload").checked = true;
  const info = $("upload-info");
  let text;
  try {
    text = await file.text();
  } catch {
    showMessage(`Kunde inte läsa ${file.name}.`);
    return;
  }
  uploaded = { name: file.name, text, entry: null };
  info.textContent = `Kontrollerar ${file.name} …`;
  try {
    const response = await api("/api/scenarios/inspect", { method: "POST", body: text, headers: { "Content-Type": "application/yaml" } });
    const body = await json(response);
    if ($("upload").files[0] !== file) return; // another file was chosen meanwhile
    if (response.ok && body) {
      uploaded.entry = body;
      info.textContent = `${file.name}: ${body.name} – filen är giltig.`;
    } else {
      info.textContent = `${file.name} har fel; se nedan.`;
      showProblems(body, response.status, file.name);
    }
  } catch (e) {
    info.textContent = "";
    showMessage(e.message);
  }
  showVariants();
}

// ---- Running ----------------------------------------------------------------------------------

async function start(event) {
  event.preventDefault();
  showMessage("");
  const key = $("apikey").value;
  if (key) sessionStorage.setItem("finsam-key", key);

  const field = $("replicates");
  const replicates = Number(field.value);
  const max = Number(field.max) || 5000;
  if (!Number.isInteger(replicates) || replicates < 1 || replicates > max) {
    showMessage(`Antal replikat måste vara ett heltal mellan 1 och ${max}.`);
    field.focus();
    return;
  }
  const fromFile = source() === "upload";
  if (fromFile && !uploaded) {
    showMessage("Välj en scenariofil först.");
    $("upload").focus();
    return;
  }
  if (!fromFile && !$("scenario").value) {
    showMessage("Välj ett scenario först.");
    $("scenario").focus();
    return;
  }
  const variants = [null, ...Array.from($("variants").querySelectorAll("input:checked")).map(c => c.value)];
  const scenarioName = fromFile
    ? (uploaded.entry ? uploaded.entry.name : uploaded.name)
    : (shipped.find(s => s.file === $("scenario").value) || {}).name || $("scenario").value;
  const body = fromFile ? uploaded.text : null;

  $("run").disabled = true;
  const submitted = [];
  try {
    for (const variant of variants) {
      const query = new URLSearchParams({ replicates: String(replicates) });
      if (!fromFile) query.set("scenario", $("scenario").value);
      if (variant) query.set("variant", variant);
      const response = await api(`/api/runs?${query}`, { method: "POST", body, headers: fromFile ? { "Content-Type": "application/yaml" } : {} });
      const answer = await json(response);
      if (response.status !== 202 || !answer) {
        // Nothing of this batch should run when one of its runs is refused.
        for (const s of submitted) api(`/api/runs/${s.runId}/cancel`, { method: "POST" }).catch(() => {});
        showProblems(answer, response.status, fromFile ? uploaded.name : null);
        return;
      }
      submitted.push({ runId: answer.runId, variant });
    }
  } catch (e) {
    for (const s of submitted) api(`/api/runs/${s.runId}/cancel`, { method: "POST" }).catch(() => {});
    showMessage(e.message);
    return;
  } finally {
    $("run").disabled = false;
  }
  const entry = fromFile ? uploaded.entry : shipped.find(s => s.file === $("scenario").value);
  const describe = v => v && entry ? (entry.variants.find(x => x.name === v) || {}).description : null;
  newBatch(scenarioName, replicates, submitted.map(s => ({ id: s.runId, label: s.variant || "grundscenario", description: describe(s.variant) })));
}

/** One press of Kör: its runs, followed together, compared when all have finished. */
function newBatch(scenarioName, replicates, runs) {
  const n = ++batchCount;
  $("runs-section").hidden = false;
  const article = document.createElement("article");
  article.className = "batch";
  article.dataset.batch = String(n);
  const heading = document.createElement("h3");
  heading.id = `batch-${n}-title`;
  heading.textContent = `Körning ${n}: ${scenarioName}, ${replicates} replikat`;
  article.setAttribute("aria-labelledby", heading.id);
  const list = document.createElement("ul");
  list.className = "runs";
  article.append(heading, list);
  $("batches").prepend(article);

  const batch = { number: n, article, runs: [], compared: false };
  for (const run of runs) batch.runs.push(follow(batch, list, run));
  // Take the reader (and a screen reader's focus) to the runs just started.
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start", behavior: "smooth" });
  return batch;
}

function follow(batch, list, run) {
  const item = document.createElement("li");
  item.className = "run";
  item.dataset.run = run.id;
  item.dataset.state = "running";

  const name = document.createElement("strong");
  name.className = "name";
  name.textContent = run.label;
  if (run.description) name.title = run.description;
  const bar = document.createElement("progress");
  bar.max = 1;
  bar.value = 0;
  bar.setAttribute("aria-label", `Förlopp för ${run.label}`);
  const count = document.createElement("span");
  count.className = "count";
  count.textContent = "startar …";
  // Announced to screen readers: the state, and progress in quarters (not every poll).
  const state = document.createElement("span");
  state.className = "state";
  state.setAttribute("role", "status");
  state.setAttribute("aria-live", "polite");
  state.setAttribute("aria-atomic", "true");
  const announce = text => {
    // The run's name is for screen readers; the eye sees it at the start of the row.
    const who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = `${run.label}: `;
    state.replaceChildren(who, text);
  };
  announce("startad");
  const actions = document.createElement("span");
  actions.className = "actions";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary cancel";
  cancel.textContent = "Avbryt";
  cancel.setAttribute("aria-label", `Avbryt ${run.label}`);
  actions.appendChild(cancel);
  item.append(name, bar, count, state, actions);
  list.appendChild(item);

  const entry = { id: run.id, label: run.label, description: run.description, state: "running", item, result: null };
  let quarter = -1;
  let timer = null;
  let failures = 0;

  const finish = s => {
    entry.state = s.state;
    item.dataset.state = s.state;
    clearTimeout(timer);
    cancel.remove();
    if (s.state === "completed") {
      bar.value = bar.max;
      const show = document.createElement("button");
      show.type = "button";
      show.className = "secondary show-report";
      show.textContent = "Visa rapport";
      show.setAttribute("aria-label", `Visa rapporten för ${run.label}`);
      show.onclick = () => showReport(batch, entry, true);
      actions.appendChild(show);
      if (reportBatch !== batch) showReport(batch, entry, false);
    }
    batchProgress(batch);
  };

  const update = s => {
    if (TERMINAL.has(entry.state)) return; // a poll that crossed the cancel answer
    bar.max = Math.max(1, s.total || 1);
    bar.value = Math.min(s.completed || 0, bar.max);
    const pct = s.total ? Math.floor(100 * s.completed / s.total) : 0;
    count.textContent = s.total ? `${s.completed} av ${s.total} replikat (${pct} %)` : "";
    let text = STATE_TEXT[s.state] || s.state;
    if (s.state === "failed") {
      text += s.error ? `: ${s.error}` : "";
      for (const p of s.problems || []) text += ` ${p}`;
    }
    const q = Math.floor(pct / 25);
    if (TERMINAL.has(s.state) || q !== quarter) {
      quarter = q;
      announce(s.state === "running" ? `${pct} %` : text);
    }
    item.dataset.state = s.state;
    if (TERMINAL.has(s.state)) finish(s);
  };

  const poll = async () => {
    try {
      const response = await api(`/api/runs/${run.id}`);
      const s = await json(response);
      if (!response.ok || !s) throw new ApiError(swedishTitle(s && s.title, response.status));
      failures = 0;
      update(s);
      if (TERMINAL.has(s.state)) return;
    } catch (e) {
      // A lost poll is retried; the run goes on on the server meanwhile.
      failures++;
      if (failures >= 3) count.textContent = `${e.message} Försöker igen …`;
      if (failures >= 120) { finish({ state: "failed" }); announce("tappade kontakten med servern"); return; }
    }
    if (!TERMINAL.has(entry.state)) timer = setTimeout(poll, POLL_MS);
  };

  cancel.onclick = async () => {
    cancel.disabled = true;
    cancel.textContent = "Avbryter …";
    try {
      const response = await api(`/api/runs/${run.id}/cancel`, { method: "POST" });
      const s = await json(response);
      if (response.ok && s) update(s);
      else throw new ApiError(swedishTitle(s && s.title, response.status));
    } catch (e) {
      cancel.disabled = false;
      cancel.textContent = "Avbryt";
      count.textContent = `Kunde inte avbryta: ${e.message}`;
    }
  };

  timer = setTimeout(poll, 50);
  return entry;
}

async function showReport(batch, entry, focus) {
  reportBatch = batch;
  try {
    const response = await api(`/api/runs/${entry.id}/report?lang=sv`);
    const html = await response.text();
    if (!response.ok) throw new ApiError(swedishTitle((() => { try { return JSON.parse(html).title; } catch { return ""; } })(), response.status));
    $("report-section").hidden = false;
    $("report-name").textContent = `Visar rapporten för ${entry.label} (körning ${batch.number}).`;
    $("report").title = `Rapport för ${entry.label}`;
    $("report").srcdoc = html;
    const link = $("report-link");
    if (reportUrl) URL.revokeObjectURL(reportUrl);
    reportUrl = null;
    if (apiKey()) {
      // A link cannot carry the key header: open a copy of the page instead.
      reportUrl = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      link.href = reportUrl;
    } else {
      link.href = `/api/runs/${entry.id}/report?lang=sv`;
    }
    if (focus) $("report-title").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (e) {
    showMessage(`Rapporten kunde inte visas: ${e.message}`);
  }
}

// ---- Comparing the variants -------------------------------------------------------------------

const FIGURES = [
  { key: "served", label: "Personer som fått insats", format: v => number.format(v) },
  { key: "work_or_studies", label: "… som gick till arbete eller studier", format: v => number.format(v) },
  { key: "self_sufficient_12m", label: "Självförsörjande 12 månader efter anvisning", format: v => `${decimal.format(100 * v)} %` },
  { key: "spend", label: "Förbundets kostnad för insatser", format: v => `${decimal.format(v / 1e6)} mnkr` },
];

function batchProgress(batch) {
  if (!batch.runs.every(r => TERMINAL.has(r.state))) return;
  const done = batch.runs.filter(r => r.state === "completed");
  if (done.length < 2 || batch.compared) return;
  batch.compared = true;
  compare(batch, done);
}

async function compare(batch, runs) {
  const section = document.createElement("div");
  section.className = "compare";
  const table = document.createElement("table");
  const caption = document.createElement("caption");
  caption.textContent = "Jämförelse: medelvärde och 90 %-intervall över replikaten";
  table.appendChild(caption);
  section.appendChild(table);
  batch.article.appendChild(section);
  try {
    await Promise.all(runs.map(async r => {
      const response = await api(`/api/runs/${r.id}/result`);
      if (!response.ok) throw new ApiError(swedishTitle("", response.status));
      r.result = await response.json();
    }));
  } catch (e) {
    caption.textContent = `Jämförelsen kunde inte visas: ${e.message}`;
    return;
  }
  const thead = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = "Nyckeltal";
  thead.appendChild(corner);
  for (const r of runs) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = r.label;
    if (r.description) th.title = r.description;
    thead.appendChild(th);
  }
  const tbody = table.createTBody();
  for (const f of FIGURES) {
    const row = tbody.insertRow();
    row.dataset.figure = f.key;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = f.label;
    row.appendChild(th);
    for (const r of runs) {
      const cell = row.insertCell();
      const h = (r.result.headline || []).find(x => x.key === f.key);
      if (!h || !h.value) { cell.textContent = "–"; continue; }
      const mean = document.createElement("span");
      mean.className = "mean";
      mean.textContent = f.format(h.value.mean);
      const interval = document.createElement("span");
      interval.className = "interval";
      interval.textContent = `${f.format(h.value.p5)} – ${f.format(h.value.p95)}`;
      interval.setAttribute("aria-label", `90 %-intervall ${f.format(h.value.p5)} till ${f.format(h.value.p95)}`);
      cell.append(mean, interval);
    }
  }
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = "Alla alternativ kördes med samma slumpfrö, så skillnaderna beror på alternativen och inte på slumpen. "
    + "Skillnaden mellan två alternativ med sitt eget intervall och sannolikheten att ett är bättre ger kommandot finsam compare.";
  section.appendChild(note);
}

// ---- Wiring -----------------------------------------------------------------------------------

$("scenario").addEventListener("change", () => { $("source-shipped").checked = true; showMessage(""); showVariants(); });
$("upload").addEventListener("change", inspectUpload);
for (const radio of document.querySelectorAll("input[name=source]")) radio.addEventListener("change", () => { showMessage(""); showVariants(); });
$("apikey").addEventListener("change", () => { sessionStorage.setItem("finsam-key", $("apikey").value); loadScenarios(); });
$("run-form").addEventListener("submit", start);
loadScenarios();
