// The browser modeler: bpmn-js with the Camunda 7 properties panel (camunda-bpmn-js), or dmn-js for a DMN file.
// The server validates and deploys (JSON, CSRF token in a header); each problem is marked on its element.
(function () {
  const holder = document.getElementById("canvas");
  if (!holder) { return; }
  const texts = JSON.parse(document.getElementById("modeler-texts").textContent);
  const fill = (text, values) => text.replace(/{(\w+)}/g, (all, key) => (key in values ? String(values[key]) : all));
  const status = document.getElementById("status");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const nameField = document.getElementById("file-name");
  const scope = document.getElementById("scope");
  const box = document.getElementById("problems-box");
  const list = document.getElementById("problems");
  const kind = holder.dataset.kind;
  let marked = [];

  function say(text, tone, link) {
    status.textContent = text;
    status.className = "modeler-status" + (tone ? " " + tone : "");
    if (link) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      a.id = "deployed-version";
      status.append(" ", a);
    }
  }

  const modeler = kind === "bpmn"
    ? new window.BpmnModeler({ container: holder, propertiesPanel: { parent: "#properties" },
                               additionalModules: [window.kenteiTranslate] })
    : new window.DmnJS({ container: holder,  // per view: dmn-js replaces a `common` additionalModules list
                         drd: { additionalModules: [window.kenteiTranslate] },
                         decisionTable: { additionalModules: [window.kenteiTranslate] },
                         literalExpression: { additionalModules: [window.kenteiTranslate] },
                         boxedExpression: { additionalModules: [window.kenteiTranslate] } });

  holder.modeler = modeler;  // for tests and the browser's console

  // -- DMN: a choice of the file's views (its decision tables and the requirements diagram) ----------------------
  function dmnViews() {
    const select = document.getElementById("dmn-view");
    if (!select) { return; }
    select.textContent = "";
    modeler.getViews().forEach((view, n) => {
      const option = document.createElement("option");
      option.value = String(n);
      option.textContent = (view.element.name || view.element.id) + " — " + (texts["view_" + view.type] || view.type);
      option.dataset.id = view.element.id;
      if (view === modeler.getActiveView()) { option.selected = true; }
      select.append(option);
    });
  }
  if (kind === "dmn") {
    const select = document.getElementById("dmn-view");
    select.addEventListener("change", () => { modeler.open(modeler.getViews()[Number(select.value)]); });
    modeler.on("views.changed", () => { dmnViews(); markDmn(); });
  }

  // -- open ------------------------------------------------------------------------------------------------------
  say(texts.loading);
  fetch(holder.dataset.src, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then((xml) => modeler.importXML(xml))
    .then(() => {
      if (kind === "bpmn") {
        modeler.get("canvas").zoom("fit-viewport");
      } else {  // a decision table first, as an analyst edits it
        const table = modeler.getViews().find((v) => v.type === "decisionTable");
        if (table) { modeler.open(table); }
        dmnViews();
      }
      say(texts.loaded);
      holder.dataset.ready = "true";
    })
    .catch((err) => { say(fill(texts.load_failed, { error: err }), "error"); holder.dataset.ready = "error"; });

  // -- validate and deploy ---------------------------------------------------------------------------------------
  function send(url) {
    return modeler.saveXML({ format: true }).then(({ xml }) => fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ name: nameField.value.trim(), xml: xml, scope: scope.value }),
    })).then((r) => r.json().then((body) => ({ status: r.status, body: body })));
  }

  function failed(err) { say(fill(texts.failed, { error: err }), "error"); }

  document.getElementById("validate").addEventListener("click", () => {
    say(texts.validating);
    send(holder.dataset.validate).then(({ status: code, body }) => {
      if (code !== 200) { show([]); say(body.error || fill(texts.failed, { error: code }), "error"); return; }
      show(body.problems);
      say(body.problems.length ? fill(texts.problems, { n: body.problems.length }) : texts.no_problems,
          body.problems.length ? "error" : "info");
    }).catch(failed);
  });

  document.getElementById("deploy").addEventListener("click", () => {
    say(texts.deploying);
    send(holder.dataset.deploy).then(({ status: code, body }) => {
      if (code === 422) { show(body.problems); say(fill(texts.not_saved, { n: body.problems.length }), "error"); return; }
      if (code !== 200) { say(body.error || fill(texts.failed, { error: code }), "error"); return; }
      show([]);
      const what = body.deployed.length ? (body.processes.concat(body.decisions).join("、") || body.deployed.join("、")) : "";
      say(what ? fill(texts.deployed, { what: what }) : texts.unchanged, "info",
          { href: body.url, text: fill(texts.open_version, { version: body.version }) });
      holder.dataset.deployed = String(body.file_id);
    }).catch(failed);
  });

  // -- download what is being edited -----------------------------------------------------------------------------
  document.getElementById("download").addEventListener("click", () => {
    modeler.saveXML({ format: true }).then(({ xml }) => {
      const url = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = nameField.value.trim() || ("diagram." + kind);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }).catch(failed);
  });

  // -- problems: a marker on each element, and a list that selects it ----------------------------------------------
  let problems = [];
  function show(found) {
    problems = found || [];
    list.textContent = "";
    box.hidden = problems.length === 0;
    document.getElementById("problem-count").textContent = problems.length ? String(problems.length) : "";
    problems.forEach((p) => {
      const item = document.createElement("li");
      const target = document.createElement("button");
      target.type = "button";
      target.className = "link-button";
      target.dataset.id = p.element_id;
      target.textContent = p.element_id === "-" ? texts.whole_file : p.element_id;
      target.addEventListener("click", () => focus(p.element_id));
      const sentence = document.createElement("span");
      sentence.className = "sentence";
      sentence.textContent = p.message;
      item.append(target, " ", sentence);
      list.append(item);
    });
    if (kind === "bpmn") { markBpmn(); } else { markDmn(); }
  }

  function markBpmn() {
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    const registry = modeler.get("elementRegistry");
    marked.forEach((id) => { if (registry.get(id)) { canvas.removeMarker(id, "k-problem"); } });
    overlays.remove({ type: "kentei-problem" });
    marked = [];
    const byElement = {};
    problems.forEach((p) => { (byElement[p.element_id] = byElement[p.element_id] || []).push(p.message); });
    Object.keys(byElement).forEach((id) => {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, "k-problem");
      marked.push(id);
      const badge = document.createElement("div");
      badge.className = "k-problem-badge";
      badge.textContent = "!" + (byElement[id].length > 1 ? byElement[id].length : "");
      badge.title = byElement[id].join("\n");
      badge.dataset.id = id;
      overlays.add(id, "kentei-problem", { position: { top: -10, right: 10 }, html: badge });
    });
    list.querySelectorAll("button[data-id]").forEach((b) => {
      if (b.dataset.id !== "-" && !registry.get(b.dataset.id)) { b.append(" " + texts.not_on_diagram); }
    });
  }

  function markDmn() {
    if (kind !== "dmn") { return; }
    document.querySelectorAll(".k-problem").forEach((n) => n.classList.remove("k-problem"));
    const viewer = modeler.getActiveViewer();
    const view = modeler.getActiveView();
    problems.forEach((p) => {
      if (view && view.type === "drd" && viewer.get("elementRegistry").get(p.element_id)) {
        viewer.get("canvas").addMarker(p.element_id, "k-problem");
      }
      document.querySelectorAll('[data-element-id="' + CSS.escape(p.element_id) + '"]')
        .forEach((n) => n.classList.add("k-problem"));
    });
  }

  function focus(id) {
    if (kind === "bpmn") {
      const element = modeler.get("elementRegistry").get(id);
      if (!element) { return; }
      modeler.get("selection").select(element);
      modeler.get("canvas").scrollToElement(element, { top: 120, bottom: 120, left: 120, right: 120 });
      return;
    }
    // DMN: open the decision whose view holds the element (a decision, or a rule, cell or column inside one)
    const holds = (node, seen) => {
      if (!node || typeof node !== "object" || seen.has(node)) { return false; }
      seen.add(node);
      if (node.id === id) { return true; }
      return Object.keys(node).some((k) => k !== "$parent" && k.charAt(0) !== "$" &&
        (Array.isArray(node[k]) ? node[k].some((c) => holds(c, seen)) : holds(node[k], seen)));
    };
    const view = modeler.getViews().find((v) => v.type !== "drd" && holds(v.element, new Set()))
      || modeler.getViews().find((v) => v.type === "drd");
    if (view && view !== modeler.getActiveView()) { modeler.open(view).then(markDmn); } else { markDmn(); }
    const cell = document.querySelector('[data-element-id="' + CSS.escape(id) + '"]');
    if (cell) { cell.scrollIntoView({ block: "center" }); }
  }
})();
