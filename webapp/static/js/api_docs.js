// Starts the vendored Swagger UI on /api/openapi.json (a static file: the Content-Security-Policy allows no inline script).
window.addEventListener("load", () => {
  window.SwaggerUIBundle({ url: document.body.dataset.spec, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });
});
