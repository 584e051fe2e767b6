/* micromoments catalog: catalog filters and preview switches.
 *
 * Everything works without this script (all cards show, the first preview shows, every preview
 * file is linked); it only adds interaction. With mkdocs-material's instant navigation the page
 * body is swapped without reloading scripts, so initialisation runs on every `document$`
 * emission, and each widget is marked once it is wired up. */
(function () {
  "use strict";

  var FILTER_KEYS = ["text", "phase", "channel", "status", "tone", "audience"];

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  /* Catalog --------------------------------------------------------------------------------- */

  function initFilters(form) {
    var cards = Array.prototype.slice.call(document.querySelectorAll("[data-mm-card]"));
    var count = form.querySelector("[data-mm-count]");
    var empty = document.querySelector("[data-mm-empty]");

    function fromUrl() {
      var params = new URLSearchParams(window.location.search);
      FILTER_KEYS.forEach(function (key) {
        var field = form.elements.namedItem(key);
        if (!field) return;
        var value = params.get(key) || "";
        if (field.tagName === "SELECT" && value &&
            !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          value = "";
        }
        field.value = value;
      });
    }

    function toUrl() {
      var params = new URLSearchParams(window.location.search);
      FILTER_KEYS.forEach(function (key) {
        var field = form.elements.namedItem(key);
        var value = field ? field.value.trim() : "";
        if (value) params.set(key, value); else params.delete(key);
      });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }

    function apply() {
      var wanted = {};
      FILTER_KEYS.forEach(function (key) {
        var field = form.elements.namedItem(key);
        wanted[key] = field ? field.value.trim().toLowerCase() : "";
      });
      var shown = 0;
      cards.forEach(function (card) {
        var ok = true;
        ["phase", "channel", "status", "tone", "audience"].forEach(function (key) {
          if (wanted[key] && words(card.getAttribute("data-" + key)).indexOf(wanted[key]) < 0) {
            ok = false;
          }
        });
        if (ok && wanted.text) {
          var text = card.getAttribute("data-text") || "";
          ok = words(wanted.text).every(function (word) { return text.indexOf(word) >= 0; });
        }
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + cards.length + " moments";
      if (empty) empty.hidden = shown !== 0;
    }

    form.addEventListener("input", function () { apply(); toUrl(); });
    form.addEventListener("change", function () { apply(); toUrl(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(); toUrl(); }, 0);
    });
    fromUrl();
    apply();
  }

  /* Previews -------------------------------------------------------------------------------- */

  function initPreview(root) {
    var form = root.querySelector("form");
    if (!form) return;

    function value(name) {
      var field = form.elements.namedItem(name);
      return field ? field.value : "";
    }

    function update() {
      var key = value("locale") + "-" + value("variant") + "-" + value("scenario");
      var scheme = value("scheme") || "light";
      var device = value("device") || "desktop";
      root.setAttribute("data-scheme", scheme);
      root.setAttribute("data-device", device);
      root.querySelectorAll("[data-mm-state]").forEach(function (el) {
        el.hidden = el.getAttribute("data-mm-state") !== key;
      });
      root.querySelectorAll("iframe[data-mm-frame]").forEach(function (frame) {
        var kind = frame.getAttribute("data-mm-frame");
        var link = root.querySelector('[data-mm-state="' + key + '"] a[data-mm-src="' + kind +
                                      '"][data-mm-scheme="' + scheme + '"]');
        if (link && frame.getAttribute("src") !== link.getAttribute("href")) {
          frame.setAttribute("src", link.getAttribute("href"));
        }
        frame.setAttribute("width", device === "mobile" ? "375" : "600");
      });
    }

    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    update();
  }

  /* Wiring ---------------------------------------------------------------------------------- */

  function once(selector, init) {
    document.querySelectorAll(selector).forEach(function (el) {
      if (el.hasAttribute("data-mm-ready")) return;
      el.setAttribute("data-mm-ready", "");
      init(el);
    });
  }

  function init() {
    document.documentElement.classList.add("mm-js");
    once("[data-mm-filters]", initFilters);
    once("[data-mm-preview]", initPreview);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
