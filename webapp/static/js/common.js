// What the pages once did with inline handlers (the Content-Security-Policy allows no inline script):
// data-autosubmit submits its form on change, form[data-nosubmit] never submits, a[data-back] goes back.
document.addEventListener("change", (e) => {
  if (e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("submit", (e) => {
  if (e.target.matches("form[data-nosubmit]")) e.preventDefault();
});
document.addEventListener("click", (e) => {
  const back = e.target.closest("a[data-back]");
  if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
});
