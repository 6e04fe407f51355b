// Start Swagger UI on /api/docs from a file: the page's CSP allows no inline script.
(function () {
  var container = document.getElementById('swagger-ui-container');
  var config = { url: container.dataset.specUrl, dom_id: '#swagger-ui-container' };
  var overrides = JSON.parse(container.dataset.config || '{}');
  Object.keys(overrides).forEach(function (key) { config[key] = overrides[key]; });
  window.ui = SwaggerUIBundle(config);
})();
