// The version comparison: the newer version's diagram with added and changed elements coloured; the lists select.
(function () {
  const pick = document.getElementById("compare-pick");
  if (pick) {
    const go = () => {
      window.location.assign(pick.dataset.base + "/files/" + encodeURIComponent(document.getElementById("new-version").value)
        + "/compare/" + encodeURIComponent(document.getElementById("old-version").value));
    };
    document.getElementById("old-version").addEventListener("change", go);
    document.getElementById("new-version").addEventListener("change", go);
  }
  const holder = document.getElementById("diagram");
  if (!holder || !window.BpmnNavigatedViewer) { return; }
  const diff = JSON.parse(document.getElementById("diff").textContent);
  const viewer = new window.BpmnNavigatedViewer({ container: holder });
  fetch(holder.dataset.src, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then((xml) => viewer.importXML(xml))
    .then(() => {
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      const mark = (items, css) => items.forEach((e) => { if (registry.get(e.id)) { canvas.addMarker(e.id, css); } });
      mark(diff.added, "k-added");
      mark(diff.changed, "k-changed");
      canvas.zoom("fit-viewport");
      let focused = null;
      document.querySelectorAll(".diff-lists li[data-id]").forEach((item) => {
        const element = registry.get(item.dataset.id);
        if (!element) { return; }
        item.classList.add("on-diagram");
        item.addEventListener("click", () => {
          if (focused) { canvas.removeMarker(focused, "k-focus"); }
          focused = element.id;
          canvas.addMarker(focused, "k-focus");
          canvas.scrollToElement(element);
        });
      });
      holder.dataset.ready = "true";
    })
    .catch((err) => {
      holder.textContent = holder.dataset.failed.replace("{error}", () => String(err));
      holder.dataset.ready = "error";
    });
})();
