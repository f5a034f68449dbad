// The modeler in Chinese: a bpmn-js "translate" module over bpmn-js-i18n's zh strings
// (vendor/bpmn-js-i18n/zh.js) and ours below, for what that list lacks or leaves in English.
// Strings still untranslated are collected in window.bpmnUntranslated, which the browser test reads.
window.LiuhenBpmnZh = (function () {
  'use strict';
  const OURS = {
    'Activate lasso tool': '启动套索工具',
    'Ad-hoc': '临时子流程',
    'Create start event': '创建开始事件',
    'Create end event': '创建结束事件',
    'Create intermediate/boundary event': '创建中间/边界事件',
    'Create gateway': '创建网关',
    'Create task': '创建任务',
    'Create data object reference': '创建数据对象引用',
    'Create data store reference': '创建数据存储引用',
    'Create expanded sub-process': '创建展开的子流程',
    'Create pool/participant': '创建池/参与者',
    'Create group': '创建分组',
    'Search in diagram': '在图中搜索',
    'Change element': '更改元素类型',
    'Change type': '更改类型',
    'Connect to other element': '连接到其他元素',
    'Connect using association': '用关联连接',
    'Connect using data input association': '用数据输入关联连接',
    'Connect using sequence/message flow or association': '用顺序流/消息流或关联连接',
    'Append element': '追加元素',
    'Append text annotation': '追加文本注释',
    'Append task': '追加任务',
    'Append end event': '追加结束事件',
    'Append gateway': '追加网关',
    'Append intermediate/boundary event': '追加中间/边界事件',
    'Delete': '删除',
    'Divide into two lanes': '分成两个泳道',
    'Divide into three lanes': '分成三个泳道',
    'Add lane above': '在上方添加泳道',
    'Add lane below': '在下方添加泳道',
    'Search': '搜索',
    'Search in diagram ({keyboardShortcut})': '在图中搜索（{keyboardShortcut}）',
    'No results': '没有结果',
    'Open': '打开',
    'Close': '关闭',
    'Loop': '循环',
    'Parallel multi-instance': '并行多实例',
    'Sequential multi-instance': '串行多实例',
    'Toggle loop': '切换循环',
    'Toggle parallel multi instance': '切换并行多实例',
    'Toggle sequential multi instance': '切换串行多实例'
  };
  const table = Object.assign({}, window.BPMN_JS_I18N_ZH || {}, OURS);
  const missing = window.bpmnUntranslated = window.bpmnUntranslated || [];

  function translate(template, replacements) {
    replacements = replacements || {};
    const text = table[template];
    if (text === undefined && missing.indexOf(template) < 0) missing.push(template);
    return (text || template).replace(/{([^}]+)}/g, function (all, key) {
      return replacements[key] !== undefined ? replacements[key] : all;
    });
  }

  return {translate: ['value', translate]};
})();
