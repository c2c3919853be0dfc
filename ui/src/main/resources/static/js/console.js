// Herald console: small behaviours on top of htmx. The console works without this file; it only
// makes things nicer. The CSP allows scripts from 'self' only, so no inline handlers anywhere.
(function () {
  'use strict';

  // Marks that scripts run: controls only needed without JavaScript hide themselves.
  document.documentElement.classList.add('js');

  // Copy buttons: <button data-copy="#id">
  document.addEventListener('click', function (e) {
    var button = e.target.closest('[data-copy]');
    if (!button) {
      return;
    }
    var source = document.querySelector(button.getAttribute('data-copy'));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = 'Copied';
      });
    }
  });

  // A request that failed without an answer (network down, server restarting).
  document.addEventListener('htmx:sendError', function () {
    var toast = document.getElementById('toast');
    if (toast) {
      toast.replaceChildren();
      var div = document.createElement('div');
      div.className = 'alert error';
      div.setAttribute('role', 'alert');
      div.textContent = 'The server did not answer. Check your connection and try again.';
      toast.appendChild(div);
    }
  });

  // A form answered with errors: bring its first wrong field (or the form's error) into view and focus it,
  // so a long form does not leave the user looking at a submit button that seems to do nothing.
  function focusFirstError(root) {
    var target = root.querySelector('form [aria-invalid="true"]') || root.querySelector('form .alert.error, .alert.error');
    if (!target) {
      return;
    }
    if (!target.matches('input, select, textarea, button')) {
      target.setAttribute('tabindex', '-1');
    }
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var main = document.getElementById('main');
    if (main) {
      focusFirstError(main);
    }
  });

  document.addEventListener('htmx:afterSettle', function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (!xhr || xhr.status < 400 || !e.detail.target) {
      return;
    }
    var root = e.detail.target.isConnected ? e.detail.target : document.getElementById('main');
    if (root) {
      focusFirstError(root.closest('form') ? root.closest('form').parentNode : root);
    }
  });

  // Lists that keep only their newest entries (the live tail): <div data-cap="200">, newest first.
  function trimCapped() {
    document.querySelectorAll('[data-cap]').forEach(function (list) {
      var cap = parseInt(list.getAttribute('data-cap'), 10);
      while (cap > 0 && list.children.length > cap) {
        list.removeChild(list.lastElementChild);
      }
    });
  }
  document.addEventListener('htmx:oobAfterSwap', trimCapped);
  document.addEventListener('htmx:afterSettle', trimCapped);

  // Toasts disappear after a while.
  document.addEventListener('htmx:afterSwap', function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === 'toast') {
      setTimeout(function () { e.detail.target.replaceChildren(); }, 8000);
    }
  });
})();
