// Type-to-filter above the ward/commune list. Without JavaScript the plain <select> works as is.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll(".web-ward").forEach(function (box) {
    var select = box.querySelector("select");
    if (!select) return;
    var options = Array.prototype.slice.call(select.options);
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "_filter";
    input.autocomplete = "off";
    input.placeholder = box.dataset.filterPlaceholder || "";
    input.setAttribute("aria-controls", select.id);
    label.htmlFor = input.id;
    label.textContent = box.dataset.filterLabel || "";
    label.className = "web-help";
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      options.forEach(function (option) {
        var keep = !option.value || option.selected || fold(option.text).indexOf(wanted) !== -1;
        option.hidden = !keep;
        option.disabled = !keep;
      });
    });
    var field = box.querySelector(".web-field");
    field.insertBefore(input, select);
    field.insertBefore(label, input);
  });
})();
