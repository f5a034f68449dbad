// Case page: the case's diagram in the bpmn-js navigated viewer (drag to pan, wheel to zoom), tasks coloured done / current / pending.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('diagram-data').textContent);
  const viewer = new BpmnJS({container: '#diagram'});
  viewer.importXML(data.xml).then(function () {
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    canvas.zoom('fit-viewport');
    const focus = data.current.map(function (id) { return registry.get(id); }).filter(Boolean)[0];
    if (focus) {  // a wide procedure is unreadable when fitted: show the current task at a readable size
      canvas.zoom(0.8);
      const vb = canvas.viewbox();
      canvas.viewbox({x: focus.x + focus.width / 2 - vb.width / 2, y: focus.y + focus.height / 2 - vb.height / 2,
                      width: vb.width, height: vb.height});
    }
    registry.filter(function (e) { return e.type === 'bpmn:UserTask' || e.type === 'bpmn:CallActivity'; })
      .forEach(function (e) { canvas.addMarker(e.id, 'pending'); });
    data.completed.forEach(function (id) {
      if (registry.get(id)) { canvas.removeMarker(id, 'pending'); canvas.addMarker(id, 'done'); }
    });
    let elsewhere = false;
    data.current.forEach(function (id) {
      if (registry.get(id)) { canvas.removeMarker(id, 'pending'); canvas.addMarker(id, 'current'); }
      else elsewhere = true;
    });
    // A ready task of a called process (e.g. 送达) lights up the call activity that runs it.
    if (elsewhere) {
      registry.filter(function (e) { return e.type === 'bpmn:CallActivity' && !canvas.hasMarker(e.id, 'done'); })
        .forEach(function (e) { canvas.removeMarker(e.id, 'pending'); canvas.addMarker(e.id, 'current'); });
    }
    document.getElementById('diagram').dataset.ready = '1';
  }).catch(function (err) {
    document.getElementById('diagram').textContent = '流程图无法显示：' + err.message;
  });
})();
