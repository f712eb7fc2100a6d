// Forms that help: every problem shown beside its field at once, the first
// one focused, each message naming the field; never an internal code.
// Small and dependency-free; without it the forms still submit and the
// page scripts still print what the API says.
//
// One entry point for page scripts, window.ticeduForms:
//   check(form)             → true when the form may be sent; otherwise the
//                             empty required and malformed fields are marked
//                             and the first is focused.
//   showErrors(form, error) → shows an API error: each of error.fields
//                             ({field, message, message_en}, as the API's
//                             422/400 bodies carry them) beside the input
//                             named by its last path segment (or by
//                             data-field="kind.expires_on"), the rest in the
//                             form's status line.
//   clear(form)             → removes every mark.
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var counter = 0;

  // The line that speaks for the form: data-status="#id" when it stands outside it.
  function statusOf(form) {
    var elsewhere = form.getAttribute("data-status");
    return elsewhere ? document.querySelector(elsewhere) : form.querySelector(".status") || form.parentNode.querySelector(".status");
  }

  // A field is shown unless it or a fieldset around it is hidden.
  function shown(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      if (node.hidden) return false;
    }
    return !element.disabled && element.type !== "hidden";
  }

  // The words of the field's label, without its hint in brackets.
  function labelOf(element) {
    var label = element.closest("label") || (element.id && document.querySelector("label[for='" + element.id + "']"));
    if (!label) return element.name;
    var copy = label.cloneNode(true);
    copy.querySelectorAll("input, select, textarea, .field-error").forEach(function (inner) { inner.remove(); });
    return copy.textContent.replace(/[（(].*$/, "").trim();
  }

  function fieldFor(form, path) {
    var named = form.querySelector("[data-field='" + path + "']");
    if (named) return named;
    var field = form.elements[path.split(".").pop()];
    if (field && field.length !== undefined && !field.tagName) field = field[0];
    return field && shown(field) ? field : null;
  }

  function clear(form) {
    form.querySelectorAll(".field-error").forEach(function (note) { note.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id.indexOf("field-error-") !== 0; });
      if (described.length) field.setAttribute("aria-describedby", described.join(" ")); else field.removeAttribute("aria-describedby");
    });
    var status = statusOf(form);
    if (status && status.classList.contains("bad")) { status.textContent = ""; status.classList.remove("bad"); }
  }

  function mark(field, message) {
    var note = document.createElement("span");
    note.className = "field-error";
    note.id = "field-error-" + (++counter);
    note.textContent = message;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    field.insertAdjacentElement("afterend", note);
  }

  function say(form, message) {
    var status = statusOf(form);
    if (!status) return;
    status.textContent = message;
    status.classList.remove("ok");
    status.classList.add("status", "bad");
  }

  // Marks [{element, message}] in page order, focuses the first; the rest of the form's words go to its status.
  function show(form, problems, summary) {
    problems.sort(function (a, b) {
      return a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    problems.forEach(function (problem) { mark(problem.element, problem.message); });
    if (summary) say(form, summary);
    if (problems.length) problems[0].element.focus();
  }

  function check(form) {
    clear(form);
    var problems = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !shown(field) || !field.willValidate) return;
      var label = labelOf(field);
      if (field.type === "checkbox") {
        if (field.required && !field.checked) problems.push({ element: field, message: zh ? "请勾选“" + label + "”。" : "Please tick “" + label + "”." });
      } else if (field.required && !field.value.trim()) {
        problems.push({ element: field, message: zh ? "请填写" + label + "。" : label + " is required." });
      } else if (field.validity && (field.validity.typeMismatch || field.validity.badInput)) {
        problems.push({ element: field, message: zh ? label + "：格式不正确。" : label + ": not in the expected form." });
      }
    });
    if (!problems.length) return true;
    show(form, problems, problems.length === 1 ? problems[0].message
      : zh ? "有 " + problems.length + " 处需要修改，请看标出的各项。" : problems.length + " fields need correcting: see each one marked.");
    return false;
  }

  function showErrors(form, error) {
    clear(form);
    var problems = [], elsewhere = [];
    (error.fields || []).forEach(function (item) {
      var message = zh ? item.message : item.message_en;
      var element = fieldFor(form, item.field);
      if (element) problems.push({ element: element, message: message }); else elsewhere.push(message);
    });
    var summary = elsewhere.length ? elsewhere.join(" ")
      : problems.length > 1 ? (zh ? "有 " + problems.length + " 处需要修改，请看标出的各项。" : problems.length + " fields need correcting: see each one marked.")
      : problems.length === 1 ? problems[0].message
      : error.message;
    show(form, problems, summary);
  }

  window.ticeduForms = { check: check, showErrors: showErrors, clear: clear };
})();
