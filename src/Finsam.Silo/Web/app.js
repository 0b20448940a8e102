// Finsam web page: choose a scenario and variants, run, follow progress, read the report.
"use strict";
const $ = id => document.getElementById(id);
let scenarios = [];

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = $("apikey").value || sessionStorage.getItem("finsam-key");
  if (key) h["X-Api-Key"] = key;
  return h;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers(options && options.headers) }));
  if (response.status === 401) {
    $("key-row").hidden = false;
    throw new Error("Servern kräver en API-nyckel. Skriv in den och försök igen.");
  }
  return response;
}

function describeError(body) {
  if (!body) return "Okänt fel.";
  let text = body.title || "Fel.";
  for (const p of body.problems || []) text += `\n• rad ${p.line}, kolumn ${p.column}: ${p.path ? p.path + ": " : ""}${p.message}`;
  return text;
}

async function loadScenarios() {
  try {
    const response = await api("/api/scenarios");
    scenarios = await response.json();
    const select = $("scenario");
    select.innerHTML = "";
    for (const s of scenarios) {
      const option = document.createElement("option");
      option.value = s.file;
      option.textContent = `${s.name} (${s.file})`;
      select.appendChild(option);
    }
    showVariants();
  } catch (e) {
    $("message").textContent = e.message;
  }
}

function showVariants() {
  const box = $("variants");
  box.innerHTML = "";
  const chosen = scenarios.find(s => s.file === $("scenario").value);
  const variants = $("upload").files.length ? [] : (chosen ? chosen.variants : []);
  $("variants-box").hidden = variants.length === 0;
  for (const v of variants) {
    const label = document.createElement("label");
    const check = document.createElement("input");
    check.type = "checkbox";
    check.value = v.name;
    label.appendChild(check);
    label.append(` ${v.name}${v.description ? " – " + v.description : ""}`);
    box.appendChild(label);
    box.appendChild(document.createElement("br"));
  }
}

async function start() {
  $("message").textContent = "";
  const key = $("apikey").value;
  if (key) sessionStorage.setItem("finsam-key", key);
  const replicates = parseInt($("replicates").value, 10);
  const upload = $("upload").files[0];
  const variants = [null, ...Array.from($("variants").querySelectorAll("input:checked")).map(c => c.value)];
  const body = upload ? await upload.text() : null;
  $("run").disabled = true;
  try {
    for (const variant of variants) {
      const query = new URLSearchParams({ replicates: String(replicates) });
      if (!upload) query.set("scenario", $("scenario").value);
      if (variant) query.set("variant", variant);
      const response = await api(`/api/runs?${query}`, { method: "POST", body, headers: { "Content-Type": "application/yaml" } });
      const answer = await response.json();
      if (response.status !== 202) throw new Error(describeError(answer));
      follow(answer.runId, variant || "grundscenario");
    }
  } catch (e) {
    $("message").textContent = e.message;
  } finally {
    $("run").disabled = false;
  }
}

function follow(id, label) {
  $("runs-section").hidden = false;
  const item = document.createElement("li");
  item.dataset.run = id;
  item.innerHTML = `<strong></strong> <progress max="1" value="0"></progress><span class="state">startar …</span> `;
  item.querySelector("strong").textContent = label;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Avbryt";
  cancel.onclick = () => api(`/api/runs/${id}/cancel`, { method: "POST" });
  item.appendChild(cancel);
  $("runs").appendChild(item);
  const bar = item.querySelector("progress"), state = item.querySelector(".state");
  const timer = setInterval(async () => {
    const response = await api(`/api/runs/${id}`);
    const s = await response.json();
    bar.max = s.total || 1;
    bar.value = s.completed;
    state.textContent = { running: `${s.completed} av ${s.total} replikat`, completed: "klar", failed: "misslyckades: " + (s.error || ""), cancelled: "avbruten" }[s.state] || s.state;
    if (s.state === "completed" || s.state === "failed" || s.state === "cancelled") {
      clearInterval(timer);
      cancel.remove();
      if (s.state === "completed") {
        const link = document.createElement("a");
        link.href = "#";
        link.textContent = "Visa rapport";
        link.className = "show-report";
        link.onclick = e => { e.preventDefault(); showReport(id); };
        item.appendChild(link);
        showReport(id);
      }
    }
  }, 400);
}

async function showReport(id) {
  const response = await api(`/api/runs/${id}/report?lang=sv`);
  const html = await response.text();
  $("report-section").hidden = false;
  $("report").srcdoc = html;
  $("report-link").href = URL.createObjectURL(new Blob([html], { type: "text/html" }));
}

$("scenario").addEventListener("change", showVariants);
$("upload").addEventListener("change", showVariants);
$("run").addEventListener("click", start);
loadScenarios();
