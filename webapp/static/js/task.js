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

  // A list whose items each name a stored file (电子数据提取笔录): each uploaded file becomes a row with its name and hash.
  function addRow(box, name, sha256) {
    const set = box.closest('fieldset.rows');
    const rows = function () { return set.querySelectorAll('.row-list .row-item'); };
    let row = Array.from(rows()).find(function (r) {
      const hash = r.querySelector('input[name$=".' + box.dataset.hash + '"]');
      return hash && !hash.value;
    });
    if (!row) {
      set.querySelector('.add-row').click();
      row = rows()[rows().length - 1];
    }
    row.querySelector('input[name$=".' + box.dataset.hash + '"]').value = sha256;
    const title = row.querySelector('input[name$=".name"]');
    if (title && !title.value) title.value = name;
  }

  document.querySelectorAll('.upload[data-media]').forEach(resumable);
  // Files and photos (the camera input opens the device's camera on a phone or tablet) go to /files by hash.
  document.querySelectorAll('.upload:not([data-media])').forEach(function (box) {
    const bar = box.querySelector('progress');
    const status = box.querySelector('.upload-status');
    const target = box.dataset.target ? document.getElementById(box.dataset.target) : null;
    box.querySelectorAll('.upload-input').forEach(function (input) {
      input.addEventListener('change', function () {
        Array.from(input.files).reduce(function (p, file) {
          return p.then(function () { return send(file); });
        }, Promise.resolve()).finally(function () { input.value = ''; });
      });
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
            if (target) {
              const lines = target.value.split('\n').filter(function (l) { return l.trim(); });
              if (lines.indexOf(body.sha256) < 0) lines.push(body.sha256);
              target.value = lines.join('\n');
            } else {
              addRow(box, file.name, body.sha256);
            }
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

  // 音像记录移交: through the project's resumable API (/api/media/uploads), in chunks.  The handover facts are the
  // ones typed in this record's form (typed once); an interrupted upload resumes where the server says it stopped,
  // after a dropped connection (retries) or a reload (the upload id is kept per file in localStorage).
  function resumable(box) {
    const form = document.getElementById('task-form');
    const input = box.querySelector('.upload-input');
    const bar = box.querySelector('progress');
    const status = box.querySelector('.upload-status');
    const list = box.querySelector('.upload-list');
    const target = document.getElementById(box.dataset.target);
    const base = box.dataset.media + '.';
    const say = function (text, bad) { status.textContent = text; status.classList.toggle('error', !!bad); };
    const value = function (name) {
      const el = form.querySelector('[name="' + base + name + '"]');
      return el ? el.value.trim() : '';
    };
    const moment = function (local) { return local ? local + (local.length === 16 ? ':00' : '') + '+08:00' : ''; };
    const mb = function (n) { return (n / 1048576).toFixed(1) + ' MB'; };
    input.addEventListener('change', function () {
      Array.from(input.files).reduce(function (p, file) {
        return p.then(function () { return handOver(file); });
      }, Promise.resolve()).finally(function () { input.value = ''; });
    });

    function call(method, url, body, type) {
      const headers = {'X-CSRFToken': csrf, 'Accept': 'application/json'};
      if (type) headers['Content-Type'] = type;
      return fetch(url, {method: method, body: body, headers: headers, credentials: 'same-origin'})
        .then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (b) { return {status: res.status, body: b}; });
        });
    }
    function meta(file) {
      const facts = {recorded_by: value('recorded_by'), device_id: value('device_id'), place: value('place'),
                     started_at: moment(value('started_at')), ended_at: moment(value('ended_at'))};
      const blank = Object.keys(facts).filter(function (k) { return !facts[k]; });
      if (blank.length) return null;
      return Object.assign(facts, {case_id: Number(form.dataset.case), task_id: form.dataset.task,
                                   content_type: file.type, size: file.size, officers: [facts.recorded_by],
                                   device_checked: box.querySelector('.device-checked').checked});
    }
    function duration(file) {
      return new Promise(function (resolve) {
        const media = document.createElement(file.type.indexOf('audio') === 0 ? 'audio' : 'video');
        const url = URL.createObjectURL(file);
        const done = function (d) { URL.revokeObjectURL(url); resolve(d); };
        media.preload = 'metadata';
        media.onloadedmetadata = function () { done(isFinite(media.duration) ? media.duration : null); };
        media.onerror = function () { done(null); };
        setTimeout(function () { done(null); }, 3000);
        media.src = url;
      });
    }
    function clock(seconds) {
      if (seconds == null) return '时长未知';
      const s = Math.round(seconds);
      return '时长 ' + Math.floor(s / 60) + ' 分 ' + (s % 60) + ' 秒';
    }
    function start(file, key) {
      const saved = localStorage.getItem(key);
      const fresh = function () {
        const m = meta(file);
        if (!m) return Promise.reject('请先填写记录人、记录设备编号、开始时间、结束时间和地点，再选择文件');
        return call('POST', '/api/media/uploads', JSON.stringify(m), 'application/json').then(function (r) {
          if (r.status !== 201) return Promise.reject(problem(r));
          localStorage.setItem(key, r.body.id);
          return r.body;
        });
      };
      if (!saved) return fresh();
      return call('GET', '/api/media/uploads/' + saved).then(function (r) {
        return r.status === 200 && r.body.state !== 'refused' ? r.body : fresh();
      });
    }
    function problem(r) {
      const fields = r.body.fields ? Object.values(r.body.fields).map(function (v) { return [].concat(v).join('；'); }) : [];
      return (r.body.message || ('服务器返回 ' + r.status)) + (fields.length ? '（' + fields.join('；') + '）' : '');
    }
    function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
    function send(file, up) {
      const chunk = Number(box.dataset.chunk) || 8 * 1024 * 1024;  // read when sending: a test may set it smaller
      let offset = up.received, failures = 0;
      const next = function () {
        bar.value = Math.floor(offset * 100 / file.size);
        if (offset >= file.size) return Promise.resolve();
        say('正在上传 ' + file.name + '：' + mb(offset) + ' / ' + mb(file.size) + '（' + bar.value + '%）');
        const end = Math.min(offset + chunk, file.size);
        return call('PUT', '/api/media/uploads/' + up.id + '?offset=' + offset, file.slice(offset, end),
                    'application/octet-stream')
          .then(function (r) {
            if (r.status === 200) { offset = r.body.received; failures = 0; return next(); }
            if (r.status === 409 && typeof r.body.received === 'number') { offset = r.body.received; return next(); }
            if (r.status >= 500) return Promise.reject(r);
            return Promise.reject(problem(r));
          })
          .catch(function (err) {
            if (typeof err === 'string' || failures >= 6) return Promise.reject(typeof err === 'string' ? err : '网络连接中断，请稍后重新选择同一文件续传');
            failures += 1;
            say('网络中断，' + failures + ' 秒后从断点续传……', true);
            return wait(1000 * failures).then(function () {
              return call('GET', '/api/media/uploads/' + up.id);
            }).then(function (r) {
              if (r.status === 200) offset = r.body.received;
              return next();
            }, next);
          });
      };
      return next();
    }
    function handOver(file) {
      const key = 'liuhen-upload:' + form.dataset.case + ':' + form.dataset.task + ':' + file.name + ':' + file.size +
        ':' + file.lastModified;
      bar.hidden = false; bar.value = 0;
      say('准备上传 ' + file.name + ' …');
      return Promise.all([start(file, key), duration(file)]).then(function (both) {
        const up = both[0];
        const seconds = both[1];
        const finish = function () {
          return call('POST', '/api/media/uploads/' + up.id + '/finish').then(function (r) {
            if (r.status !== 201 && r.status !== 200) return Promise.reject(problem(r));
            return r.body;
          });
        };
        const work = up.state === 'done' ? finish() : send(file, up).then(finish);
        return work.then(function (item) {
          localStorage.removeItem(key);
          bar.value = 100;
          const lines = target.value.split('\n').filter(function (l) { return l.trim(); });
          if (lines.indexOf(item.sha256) < 0) lines.push(item.sha256);
          target.value = lines.join('\n');
          const li = document.createElement('li');
          li.textContent = file.name + '，' + mb(file.size) + '，' + clock(seconds) + '，记录人 ' + item.recorded_by +
            (item.late ? '（逾期移交）' : '');
          list.appendChild(li);
          say('已移交 ' + file.name + '（SHA-256 ' + item.sha256.slice(0, 12) + '…）');
        });
      }).catch(function (err) {
        say('上传未完成：' + (typeof err === 'string' ? err : '服务器出错，请稍后重新选择同一文件续传'), true);
      });
    }
  }
})();
