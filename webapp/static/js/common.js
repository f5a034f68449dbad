// What the pages once did with inline handlers (the Content-Security-Policy allows no inline script):
// data-autosubmit submits its form on change, form[data-nosubmit] never submits, a[data-back] goes back.
document.addEventListener("change", (e) => {
  if (e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("submit", (e) => {
  if (e.target.matches("form[data-nosubmit]")) e.preventDefault();
  // form[data-compact] leaves its empty fields out of the address (?agency=3, not ?agency=3&year=&month=…)
  if (e.target.matches("form[data-compact]")) {
    e.target.querySelectorAll("input, select").forEach((el) => { if (!el.value) el.disabled = true; });
  }
});
document.addEventListener("click", (e) => {
  const back = e.target.closest("a[data-back]");
  if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
});
// On a phone a list table is a stack of cards (app.css): each cell is labelled with its column's header.
document.querySelectorAll("table.list").forEach((table) => {
  const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((tr) => {
    Array.from(tr.children).forEach((td, i) => { if (heads[i] && !td.dataset.label) td.dataset.label = heads[i]; });
  });
});
