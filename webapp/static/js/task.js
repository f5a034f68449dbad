// Task page: repeatable rows (signatures, items…), the A/V alternative, uploads with progress.
(function () {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  document.querySelectorAll('fieldset.rows').forEach(function (set) {
    const list = set.querySelector('.row-list');
    const tpl = set.querySelector('template');
    const add = set.querySelector('.add-row');
    if (!tpl || !add) return;
    add.addEventListener('click', function () {
      let next = 0;
      list.querySelectorAll('[name]').forEach(function (el) {
        const m = el.name.slice(set.dataset.rows.length + 1).match(/^(\d+)\./);
        if (m) next = Math.max(next, Number(m[1]) + 1);
      });
      const html = tpl.innerHTML.split('__i__').join(String(next));
      list.insertAdjacentHTML('beforeend', html);
      attachPads(list);
    });
    set.addEventListener('click', function (e) {
      if (e.target.classList.contains('remove-row')) e.target.closest('.row-item').remove();
    });
  });

  // 执法人员: the name offers the roster (valid 执法证 only); choosing one fills in the certificate number.
  function isOfficerName(el) { return el.matches && el.matches('[data-rows$=".officers"] input[name$=".name"]'); }
  document.querySelectorAll('[data-rows$=".officers"] input[name$=".name"]').forEach(function (el) {
    el.setAttribute('list', 'roster');
  });
  document.addEventListener('input', function (e) {
    if (!isOfficerName(e.target)) return;
    e.target.setAttribute('list', 'roster');
    const pick = Array.from(document.querySelectorAll('#roster option')).find(function (o) {
      return o.value === e.target.value;
    });
    const badge = e.target.closest('.row-item').querySelector('input[name$=".certificate_no"]');
    if (pick && badge) badge.value = pick.dataset.badge;
  });

  // 手写签名: the person signs on the screen (signature_pad); the PNG is stored by its SHA-256 (POST /files) and the
  // hash goes into the signature row, so the record version binds the image.  Refusing stays its own path (拒签记录).
  function attachPads(root) {
    if (!window.SignaturePad) return;
    root.querySelectorAll('[data-rows$=".signatures"] input[name$=".image"]')
      .forEach(function (input) {
        if (input.dataset.pad || input.name.indexOf('__i__') >= 0) return;
        input.dataset.pad = '1';
        input.type = 'hidden';
        const box = document.createElement('div');
        box.className = 'sign-pad';
        box.innerHTML = '<canvas width="320" height="120" aria-label="在此手写签名"></canvas>' +
          '<div><button type="button" class="link pad-clear">重签</button> ' +
          '<button type="button" class="pad-save">确认签名</button> <span class="pad-status muted small"></span></div>';
        input.after(box);
        const canvas = box.querySelector('canvas');
        const pad = new window.SignaturePad(canvas, {backgroundColor: 'rgb(255,255,255)'});
        const state = box.querySelector('.pad-status');
        if (input.value) state.textContent = '已存档的签名：' + input.value.slice(0, 12) + '…';
        box.querySelector('.pad-clear').addEventListener('click', function () { pad.clear(); input.value = ''; state.textContent = ''; });
        box.querySelector('.pad-save').addEventListener('click', function () {
          if (pad.isEmpty()) { state.textContent = '请先签名'; return; }
          canvas.toBlob(function (blob) {
            const data = new FormData();
            data.append('file', blob, 'signature.png');
            fetch('/files', {method: 'POST', body: data, credentials: 'same-origin',
                             headers: {'X-CSRFToken': csrf, 'Accept': 'application/json'}})
              .then(function (res) { return res.json().then(function (b) { return {ok: res.status === 201, b: b}; }); })
              .then(function (r) {
                if (!r.ok) { state.textContent = '签名未存档：' + (r.b.message || ''); return; }
                input.value = r.b.sha256;
                state.textContent = '签名已存档（' + r.b.sha256.slice(0, 12) + '…）';
                const row = input.closest('.row-item');
                const signed = row && row.querySelector('select[name$=".signed"]');
                if (signed) { signed.value = 'true'; syncSignature(signed); }
                const at = row && row.querySelector('input[name$=".signed_at"]');
                if (at && !at.value) {
                  const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16);  // 北京时间
                  at.value = now;
                }
              });
          }, 'image/png');
        });
      });
  }
  attachPads(document);

  // 签名: a refusal note is asked for only when the person did not sign.
  function syncSignature(select) {
    const row = select.closest('.row-item');
    if (!row) return;
    const note = row.querySelector('[name$=".refusal_note"]');
    if (note) note.closest('.field').classList.toggle('dimmed', select.value !== 'false');
  }
  document.addEventListener('change', function (e) {
    if (e.target.matches('select[name$=".signed"]')) syncSignature(e.target);
  });
  document.querySelectorAll('select[name$=".signed"]').forEach(syncSignature);

  function syncAv() {
    const chosen = document.querySelector('input[name="av_choice"]:checked');
    const value = chosen ? chosen.value : 'none';
    const rec = document.getElementById('sec-av_recording');
    const ns = document.getElementById('sec-av_not_suitable');
    if (rec) rec.hidden = value !== 'recording';
    if (ns) ns.hidden = value !== 'not_suitable';
  }
  document.querySelectorAll('input[name="av_choice"]').forEach(function (r) { r.addEventListener('change', syncAv); });

  document.querySelectorAll('.upload').forEach(function (box) {
    const input = box.querySelector('.upload-input');
    const bar = box.querySelector('progress');
    const status = box.querySelector('.upload-status');
    const target = document.getElementById(box.dataset.target);
    input.addEventListener('change', function () {
      Array.from(input.files).reduce(function (p, file) {
        return p.then(function () { return send(file); });
      }, Promise.resolve()).finally(function () { input.value = ''; });
    });
    function send(file) {
      return new Promise(function (resolve) {
        const xhr = new XMLHttpRequest();
        const data = new FormData();
        data.append('file', file);
        xhr.open('POST', '/files');
        xhr.setRequestHeader('X-CSRFToken', csrf);
        xhr.setRequestHeader('Accept', 'application/json');
        bar.hidden = false; bar.value = 0;
        status.textContent = '正在上传 ' + file.name + ' …';
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) {
            bar.value = Math.round(e.loaded * 100 / e.total);
            status.textContent = '正在上传 ' + file.name + '：' + bar.value + '%';
          }
        };
        xhr.onload = function () {
          let body = {};
          try { body = JSON.parse(xhr.responseText); } catch (err) { body = {message: xhr.statusText}; }
          if (xhr.status === 201) {
            bar.value = 100;
            status.textContent = '已上传 ' + file.name + '（SHA-256 ' + body.sha256.slice(0, 12) + '…）';
            const lines = target.value.split('\n').filter(function (l) { return l.trim(); });
            if (lines.indexOf(body.sha256) < 0) lines.push(body.sha256);
            target.value = lines.join('\n');
          } else {
            status.textContent = '上传失败：' + (body.message || xhr.status);
            status.classList.add('error');
          }
          resolve();
        };
        xhr.onerror = function () { status.textContent = '上传失败：网络错误'; status.classList.add('error'); resolve(); };
        xhr.send(data);
      });
    }
  });
})();
