// arbox review app: behaviour shared by every page. No inline scripts (the CSP forbids them).
"use strict";
(function () {
  // Forms with data-confirm ask before they post (deleting a rule, un-applying cash).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });
})();
