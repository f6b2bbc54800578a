// The backlog board's script (served by ltv-server at /assets/board.js; no CDN, no
// inline script). It signs in with a token kept in this tab's sessionStorage and sent
// as `Authorization: Bearer …` (never in a URL or a cookie), sends changes to the JSON
// API with the card's ETag in If-Match, and then fetches the board again, rendered by
// the server (/backlog/board).
(function () {
  'use strict';
  var KEY = 'ltv-token';
  var body = document.body;
  var lang = body.dataset.lang || 'en';
  var board = document.getElementById('board');
  var message = document.getElementById('message');
  if (body.dataset.enabled !== 'true' || !board) {
    return;
  }
  var me = null;
  var dragged = null;

  function token() {
    try {
      return window.sessionStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function say(text, kind) {
    message.textContent = text || '';
    message.hidden = !text;
    message.className = 'message' + (kind ? ' ' + kind : '');
  }

  function headers(extra) {
    var h = extra || {};
    var t = token();
    if (t) {
      h.Authorization = 'Bearer ' + t;
    }
    return h;
  }

  function api(method, path, options) {
    var o = options || {};
    var h = headers({ Accept: 'application/json' });
    var data;
    if (o.json !== undefined) {
      h['Content-Type'] = 'application/json';
      data = JSON.stringify(o.json);
    } else if (o.form) {
      data = o.form;
    }
    if (o.etag) {
      h['If-Match'] = o.etag;
    }
    return fetch(path, { method: method, headers: h, body: data, credentials: 'omit', cache: 'no-store' })
      .then(function (res) {
        var type = res.headers.get('content-type') || '';
        if (type.indexOf('application/json') === 0) {
          return res.json().then(function (json) { return { res: res, data: json }; });
        }
        return { res: res, data: null };
      });
  }

  function errorText(r) {
    var detail = r.data && r.data.error && r.data.error.message;
    return body.dataset.msgError + ' ' + (detail || (r.res.status + ' ' + r.res.statusText));
  }

  function canEdit() {
    return !!me && (me.role === 'editor' || me.role === 'admin');
  }

  function decorate() {
    var cards = board.querySelectorAll('.card');
    for (var i = 0; i < cards.length; i++) {
      cards[i].draggable = canEdit();
      var rater = cards[i].querySelector('input[name=rater]');
      if (rater && me && !rater.value) {
        rater.value = me.name;
      }
    }
  }

  function refresh() {
    return fetch('/backlog/board?lang=' + encodeURIComponent(lang), {
      headers: headers({}), credentials: 'omit', cache: 'no-store'
    }).then(function (res) {
      if (!res.ok) {
        return res.json().then(function (json) {
          say(errorText({ res: res, data: json }), 'error');
        }, function () { say(body.dataset.msgError + ' ' + res.status, 'error'); });
      }
      return res.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        board.replaceChildren.apply(board, Array.prototype.slice.call(doc.body.childNodes));
        body.dataset.loaded = 'true';
        decorate();
      });
    });
  }

  function showSession(who) {
    me = who;
    document.getElementById('signin').hidden = !!who;
    document.getElementById('signed-in').hidden = !who;
    if (who) {
      document.getElementById('who').textContent = who.name;
      document.getElementById('role').textContent = who.role;
    }
    body.classList.toggle('can-edit', canEdit());
    decorate();
  }

  function signIn(secret, quiet) {
    try {
      window.sessionStorage.setItem(KEY, secret);
    } catch (e) {
      // no storage: the token lives as long as the page
    }
    return api('GET', '/v1/whoami').then(function (r) {
      if (!r.res.ok) {
        window.sessionStorage.removeItem(KEY);
        showSession(null);
        if (!quiet || r.res.status !== 401) {
          say(r.res.status === 401 ? body.dataset.msgSigninFailed : errorText(r), 'error');
        }
        return;
      }
      say('');
      showSession(r.data);
      if (body.dataset.loaded !== 'true') {
        return refresh();
      }
    });
  }

  // What a change answered: refresh the board; a stale ETag says so.
  function settle(r) {
    if (r.res.ok) {
      say(body.dataset.msgSaved, 'ok');
      return refresh();
    }
    if (r.res.status === 412) {
      say(body.dataset.msgStale, 'error');
      return refresh();
    }
    say(errorText(r), 'error');
  }

  function changeOf(text) {
    var parts = String(text || '').split('/').map(function (p) { return p.trim(); });
    if (parts.length === 3) {
      return { low: parts[0], likely: parts[1], high: parts[2] };
    }
    return parts[0];
  }

  function moveCard(card, to) {
    var allowed = (card.dataset.next || '').split(',');
    if (allowed.indexOf(to) < 0) {
      say(body.dataset.msgIllegal, 'error');
      return Promise.resolve();
    }
    return api('POST', '/v1/backlog/' + card.dataset.id + '/status', {
      json: { to: to }, etag: card.dataset.etag
    }).then(settle);
  }

  document.getElementById('signin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('token');
    var secret = input.value.trim();
    input.value = '';
    if (secret) {
      signIn(secret, false);
    }
  });

  document.getElementById('signout').addEventListener('click', function () {
    window.sessionStorage.removeItem(KEY);
    window.location.reload();
  });

  var add = document.getElementById('add-form');
  add.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = new FormData(add);
    var json = {
      name: f.get('name'),
      team: f.get('team'),
      driver: f.get('driver'),
      change: changeOf(f.get('change')),
      hypothesis: f.get('hypothesis') || '',
      one_off_cost: f.get('one_off_cost') || '0',
      yearly_cost: f.get('yearly_cost') || '0',
      ramp_months: parseInt(f.get('ramp_months') || '0', 10) || 0
    };
    api('POST', '/v1/backlog', { json: json }).then(function (r) {
      if (r.res.ok) {
        add.reset();
      }
      return settle(r);
    });
  });

  var snapshot = document.getElementById('snapshot-form');
  snapshot.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = new FormData();
    var orders = snapshot.elements.transactions.files[0];
    var cac = snapshot.elements.cac.files[0];
    form.append('transactions', orders, orders.name);
    if (cac) {
      form.append('cac', cac, cac.name);
    }
    var margin = encodeURIComponent(snapshot.elements.margin.value || '1');
    api('POST', '/v1/snapshots?margin=' + margin, { form: form }).then(function (r) {
      if (r.res.ok) {
        snapshot.reset();
      }
      return settle(r);
    });
  });

  board.addEventListener('submit', function (ev) {
    var form = ev.target.closest('form.rate-form');
    if (!form) {
      return;
    }
    ev.preventDefault();
    var card = form.closest('.card');
    var f = new FormData(form);
    var json = { impact: f.get('impact'), confidence: f.get('confidence'), ease: f.get('ease') };
    var rater = String(f.get('rater') || '').trim();
    if (rater) {
      json.rater = rater;
    }
    api('POST', '/v1/backlog/' + card.dataset.id + '/ratings', {
      json: json, etag: card.dataset.etag
    }).then(settle);
  });

  board.addEventListener('click', function (ev) {
    var button = ev.target.closest('button.move');
    if (button) {
      moveCard(button.closest('.card'), button.dataset.to);
    }
  });

  board.addEventListener('dragstart', function (ev) {
    var card = ev.target.closest && ev.target.closest('.card');
    if (!card || !canEdit()) {
      return;
    }
    dragged = card;
    ev.dataTransfer.effectAllowed = 'move';
    ev.dataTransfer.setData('text/plain', card.dataset.id);
  });

  board.addEventListener('dragover', function (ev) {
    var column = ev.target.closest && ev.target.closest('.column');
    if (dragged && column && (dragged.dataset.next || '').split(',').indexOf(column.dataset.status) >= 0) {
      ev.preventDefault();
      column.classList.add('drop-ok');
    }
  });

  board.addEventListener('dragleave', function (ev) {
    var column = ev.target.closest && ev.target.closest('.column');
    if (column) {
      column.classList.remove('drop-ok');
    }
  });

  board.addEventListener('drop', function (ev) {
    var column = ev.target.closest && ev.target.closest('.column');
    if (!dragged || !column) {
      return;
    }
    ev.preventDefault();
    column.classList.remove('drop-ok');
    var card = dragged;
    dragged = null;
    moveCard(card, column.dataset.status);
  });

  board.addEventListener('dragend', function () {
    dragged = null;
  });

  var saved = token();
  if (saved) {
    signIn(saved, true);
  } else {
    showSession(null);
  }
})();
