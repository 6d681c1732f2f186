// Leaving a page with unsaved changes asks first. Sending the form that holds
// the changes does not ask: that is how they are kept.
(function () {
  "use strict";

  const changed = new Set();

  function watched(form) {
    return (
      form !== null &&
      form.method === "post" &&
      form.id !== "changelist-form" &&
      form.closest("#content-main") !== null
    );
  }

  function noteChange(event) {
    // A field outside its form's element (form="…") still has it as `form`.
    const form = event.target.form || null;
    if (watched(form)) {
      changed.add(form);
    }
  }

  document.addEventListener("input", noteChange, true);
  document.addEventListener("change", noteChange, true);
  document.addEventListener("submit", function (event) {
    changed.delete(event.target);
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (changed.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
