// Process designer: bpmn-js Modeler plus a plain properties form for what the engine reads
// (spiffworkflow:properties act / records / av / basis / av_basis / deadline) and lane → role, with the rules of
// the agency's law that bind the selected task, held or not by the proof of the unsaved diagram.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('designer-data').textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const KEYS = ['act', 'records', 'av', 'basis', 'av_basis', 'deadline', 'deadline_count'];
  const modeler = new BpmnJS({container: '#canvas', moddleExtensions: {spiffworkflow: data.moddle},
                              additionalModules: [window.LiuhenBpmnZh]});
  const $ = function (id) { return document.getElementById(id); };
  let current = null;

  // Catalogue checkboxes, grouped by stage.
  const box = $('prop-records');
  data.catalogue.forEach(function (k) {
    const label = document.createElement('label');
    label.className = 'check';
    label.title = '依据：' + k.basis.join('；');
    const input = document.createElement('input');
    input.type = 'checkbox'; input.value = k.code;
    label.append(input, ' ' + k.title);
    box.appendChild(label);
  });
  Object.keys(data.acts).forEach(function (act) {
    const o = document.createElement('option');
    o.value = act; o.textContent = act + '（' + data.acts[act] + '）';
    $('prop-act').appendChild(o);
  });
  Object.keys(data.roles).forEach(function (code) {
    const o = document.createElement('option');
    o.value = data.roles[code]; o.textContent = data.roles[code];
    $('lane-role').appendChild(o);
  });

  function propsElement(bo) {
    const ext = bo.extensionElements;
    return ext && (ext.values || []).find(function (v) { return v.$type === 'spiffworkflow:Properties'; });
  }
  function readProps(bo) {
    const out = {};
    const pe = propsElement(bo);
    (pe && pe.values || []).forEach(function (p) { out[p.name] = p.value; });
    return out;
  }
  function writeProps(element, props) {
    const moddle = modeler.get('moddle');
    const bo = element.businessObject;
    const ext = bo.extensionElements || moddle.create('bpmn:ExtensionElements', {values: []});
    let pe = propsElement(bo);
    if (!pe) { pe = moddle.create('spiffworkflow:Properties', {values: []}); pe.$parent = ext; ext.get('values').push(pe); }
    pe.values = Object.keys(props).filter(function (k) { return props[k]; }).map(function (k) {
      const p = moddle.create('spiffworkflow:Property', {name: k, value: props[k]});
      p.$parent = pe;
      return p;
    });
    ext.$parent = bo;
    modeler.get('modeling').updateProperties(element, {extensionElements: ext});
  }

  function show(element) {
    current = element || null;
    const type = element && element.type;
    $('task-props').hidden = type !== 'bpmn:UserTask';
    $('lane-props').hidden = type !== 'bpmn:Lane';
    $('props-empty').hidden = type === 'bpmn:UserTask' || type === 'bpmn:Lane';
    if (type === 'bpmn:UserTask') {
      const props = readProps(element.businessObject);
      const records = (props.records || '').split(/[,，\s]+/).filter(Boolean);
      $('prop-name').textContent = element.businessObject.name || '';
      box.querySelectorAll('input').forEach(function (c) { c.checked = records.indexOf(c.value) >= 0; });
      $('prop-av').value = props.av || 'none';
      $('prop-act').value = props.act || data.base_acts[element.id] || '';
      ['basis', 'av_basis', 'deadline', 'deadline_count'].forEach(function (k) { $('prop-' + k).value = props[k] || ''; });
      showDeadline(props.deadline || '');
      showLaw();
    } else if (type === 'bpmn:Lane') {
      $('lane-id').textContent = element.id + '：' + (element.businessObject.name || '');
      const role = data.lane_roles[(element.businessObject.name || '').trim()];
      $('lane-role').value = role ? data.roles[role] || '' : '';
    }
  }

  // The period as number + unit (24 小时, 60 日, 3 个月), kept as the ISO 8601 length the engine reads.
  function showDeadline(iso) {
    const m = /^P(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/.exec(iso);
    let n = '', unit = '';
    if (m && m[1] && !m[2] && !m[3] && !m[4]) { n = m[1]; unit = 'M'; }
    else if (m && m[4] && !m[1]) { n = String(((+m[2] || 0) * 7 + (+m[3] || 0)) * 24 + (+m[4])); unit = 'H'; }
    else if (m && (m[2] || m[3]) && !m[1]) { n = String((+m[2] || 0) * 7 + (+m[3] || 0)); unit = 'D'; }
    $('prop-deadline-n').value = n;
    $('prop-deadline-unit').value = unit;
  }
  function isoDeadline() {
    const n = parseInt($('prop-deadline-n').value, 10), unit = $('prop-deadline-unit').value;
    if (!unit || !(n > 0)) return '';
    return unit === 'H' ? 'PT' + n + 'H' : 'P' + n + unit;
  }

  function collect() {
    const records = Array.from(box.querySelectorAll('input:checked')).map(function (c) { return c.value; });
    const old = readProps(current.businessObject);
    const props = {};
    Object.keys(old).forEach(function (k) { if (KEYS.indexOf(k) < 0) props[k] = old[k]; });
    props.act = $('prop-act').value;
    props.records = records.join(',');
    props.av = $('prop-av').value;
    props.basis = $('prop-basis').value.trim();
    props.av_basis = $('prop-av_basis').value.trim();
    props.deadline = isoDeadline();
    props.deadline_count = $('prop-deadline_count').value;
    return props;
  }
  $('task-props').addEventListener('input', function () { if (current) { writeProps(current, collect()); lawLater(); } });
  $('task-props').addEventListener('change', function () { if (current) { writeProps(current, collect()); lawLater(); } });

  // The law panel: the proof of the diagram as it stands (not saved), fetched once per content.
  let lawXml = null, lawAnswer = null, lawTimer = null;
  function lawLater() { clearTimeout(lawTimer); lawTimer = setTimeout(showLaw, 600); }
  function fetchLaw() {
    return modeler.saveXML({format: false}).then(function (result) {
      if (result.xml === lawXml && lawAnswer) return lawAnswer;
      lawXml = result.xml;
      lawAnswer = fetch(data.law_url, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Accept': 'application/json'},
        body: JSON.stringify({xml: result.xml, base_version_id: data.base_version_id})
      }).then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.message || ('校验失败（' + res.status + '）'));
          return body.elements;
        });
      });
      lawAnswer.catch(function () { lawXml = null; });
      return lawAnswer;
    });
  }
  function ruleItem(b) {
    const li = document.createElement('li');
    li.className = b.held ? 'held' : 'error';
    li.dataset.rule = b.rule;
    li.title = b.text || '';
    li.textContent = (b.held ? '✔ 已满足：' : '✘ 未满足：') + b.title + '（' + b.article + '）' +
      (b.held ? '' : '——' + b.why.join('；'));
    return li;
  }
  function showLaw() {
    if (!current || current.type !== 'bpmn:UserTask') return;
    const id = current.id;
    $('law-status').textContent = '正在按本机构适用的法律校验…';
    fetchLaw().then(function (elements) {
      if (!current || current.id !== id) return;
      const mine = elements[id] || [];
      $('law-status').textContent = mine.length ? '' : '本机构适用的规定中没有直接约束本任务的条款。';
      $('law-rules').replaceChildren.apply($('law-rules'), mine.map(ruleItem));
      $('law-procedure').replaceChildren.apply($('law-procedure'), (elements[data.process_id] || []).map(ruleItem));
    }).catch(function (err) { $('law-status').textContent = '无法校验：' + err.message; });
  }
  $('lane-role').addEventListener('change', function () {
    if (current && $('lane-role').value) {
      modeler.get('modeling').updateProperties(current, {name: $('lane-role').value});
      listLanes();
    }
  });

  function listLanes() {
    const ul = $('lanes');
    ul.innerHTML = '';
    modeler.get('elementRegistry').filter(function (e) { return e.type === 'bpmn:Lane'; }).forEach(function (lane) {
      const name = (lane.businessObject.name || '').trim();
      const role = data.lane_roles[name];
      const li = document.createElement('li');
      li.textContent = (name || '（未命名）') + ' → ' + (role && data.roles[role] ? '角色：' + data.roles[role] : '无对应角色');
      if (!(role && data.roles[role])) li.className = 'error';
      ul.appendChild(li);
    });
  }

  function select(id) {
    const el = modeler.get('elementRegistry').get(id);
    if (!el) return;
    modeler.get('selection').select(el);
    modeler.get('canvas').scrollToElement(el);
  }

  function clearProblems() {
    const canvas = modeler.get('canvas');
    modeler.get('elementRegistry').forEach(function (e) { canvas.removeMarker(e.id, 'has-error'); });
    $('problems').hidden = true;
    $('problem-list').innerHTML = '';
  }

  function showProblems(problems) {
    const canvas = modeler.get('canvas');
    const registry = modeler.get('elementRegistry');
    $('problems').hidden = false;
    problems.forEach(function (p) {
      const li = document.createElement('li');
      li.className = 'problem';
      li.dataset.element = p.element_id || '';
      li.textContent = p.element + '：' + p.message;
      if (p.element_id && registry.get(p.element_id)) {
        canvas.addMarker(p.element_id, 'has-error');
        li.classList.add('clickable');
        li.addEventListener('click', function () { select(p.element_id); });
      }
      $('problem-list').appendChild(li);
    });
  }

  $('save').addEventListener('click', function () {
    clearProblems();
    $('deploy-form').hidden = true;
    $('save-status').textContent = '正在校验…';
    modeler.saveXML({format: true}).then(function (result) {
      return fetch(data.save_url, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Accept': 'application/json'},
        body: JSON.stringify({xml: result.xml, base_version_id: data.base_version_id})
      });
    }).then(function (res) {
      return res.json().then(function (body) { return {status: res.status, body: body}; });
    }).then(function (r) {
      if (r.status === 201) {
        $('save-status').textContent = '已保存为本机构第 ' + r.body.version + ' 版。';
        $('deploy-form').action = r.body.deploy_url;
        $('deploy-form').hidden = false;
        data.base_version_id = r.body.version_id;
      } else {
        $('save-status').textContent = r.body.message || ('保存失败（' + r.status + '）');
        showProblems(r.body.problems || []);
      }
    }).catch(function (err) { $('save-status').textContent = '保存失败：' + err.message; });
  });

  modeler.importXML(data.xml).then(function () {
    const canvas = modeler.get('canvas');
    canvas.zoom(0.75);
    const vb = canvas.viewbox();
    canvas.viewbox({x: -90, y: -20, width: vb.width, height: vb.height});  // start at the left, clear of the palette
    const jump = $('jump');
    modeler.get('elementRegistry').filter(function (e) { return e.type === 'bpmn:UserTask'; }).forEach(function (e) {
      const o = document.createElement('option');
      o.value = e.id; o.textContent = e.businessObject.name || e.id;
      jump.appendChild(o);
    });
    jump.addEventListener('change', function () { if (jump.value) select(jump.value); });
    modeler.get('eventBus').on('selection.changed', function (e) { show(e.newSelection[0]); });
    modeler.get('eventBus').on('elements.changed', listLanes);
    listLanes();
    $('canvas').dataset.ready = '1';
  }).catch(function (err) { $('save-status').textContent = '流程图无法打开：' + err.message; });
})();
