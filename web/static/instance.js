// The process diagram of one instance, with completed, active and failed elements marked.
(function () {
  const holder = document.getElementById("diagram");
  if (!holder || !window.BpmnJS) { return; }
  const marks = JSON.parse(document.getElementById("markers").textContent);
  const viewer = new window.BpmnJS({ container: holder });
  fetch(holder.dataset.src, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then((xml) => viewer.importXML(xml))
    .then(() => {
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      const mark = (ids, css) => ids.forEach((id) => { if (registry.get(id)) { canvas.addMarker(id, css); } });
      mark(marks.completed, "k-completed");
      mark(marks.active, "k-active");
      mark(marks.failed, "k-failed");
      canvas.zoom("fit-viewport");
      holder.dataset.ready = "true";
    })
    .catch((err) => {
      const noLayout = String(err).includes("no diagram to display");
      // the sentences come translated from the page (data-no-layout, data-failed with an {error} slot)
      holder.textContent = noLayout ? holder.dataset.noLayout : holder.dataset.failed.replace("{error}", () => String(err));
      holder.dataset.ready = "error";
    });
})();
