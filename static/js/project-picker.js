// The "new document" project picker on the document list: a typed search. As one types, the page asks
// /documents/projects.json?q=… for a few of this year's projects of one's own unit and offers them in
// the input's datalist; choosing one fills the hidden project_id. Without this script the form still
// works: the server resolves the typed name or code.
(function () {
  'use strict';
  var input = document.getElementById('new-document-project');
  if (!input) {
    return;
  }
  var list = document.getElementById(input.getAttribute('list'));
  var chosen = input.form.querySelector('input[name="project_id"]');
  var url = input.getAttribute('data-search-url');
  var ids = {};
  var timer = null;
  var asked = 0;

  function pick() {
    chosen.value = Object.prototype.hasOwnProperty.call(ids, input.value) ? ids[input.value] : '';
  }

  function show(items) {
    ids = {};
    list.textContent = '';
    items.forEach(function (project) {
      var option = document.createElement('option');
      option.value = project.label;
      ids[project.label] = String(project.id);
      list.appendChild(option);
    });
    pick();
  }

  function search() {
    var mine = ++asked;
    fetch(url + '?q=' + encodeURIComponent(input.value.trim()), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (body) {
        if (mine === asked) { // an older answer arriving late must not replace a newer one
          show(body.items || []);
        }
      })
      .catch(function () { /* the typed text is still resolved on submit */ });
  }

  input.addEventListener('input', function () {
    pick();
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('focus', function () {
    if (!list.children.length) {
      search();
    }
  });
}());
