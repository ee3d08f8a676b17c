// The page's own script: draws the activity charts with uPlot from the JSON embedded in the page. It is plain
// browser JavaScript in a string (not compiled TypeScript) so that the text hashed for the page's
// Content-Security-Policy is the text the page holds, whatever built das-read. Labels reach uPlot, which sets them
// as textContent: a user name stays text in the legend too.
export const CHART_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6', '#d4a6c8', '#a0cbe8'];
  var grey = '#bab0ac';
  var utc = function (seconds) { return uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'); };
  var activitySpan = data.activity.buckets.length * data.activity.bucketMs;
  // 24-hour UTC ticks; the date alone once a window spans days.
  var tick = uPlot.fmtDate(activitySpan > 2 * 86400000 ? '{YYYY}-{MM}-{DD}' : activitySpan > 86400000 ? '{MM}-{DD} {HH}:{mm}' : '{HH}:{mm}');
  // Ticks no closer than a bucket, nor than the labels tell apart: uPlot's own steps go down to a second, and a
  // three-minute window was labelled 12:37 six times over.
  var finest = Math.max(data.activity.bucketMs / 1000, activitySpan > 2 * 86400000 ? 86400 : 60);
  var steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400, 172800, 604800, 1209600, 2419200]
    .filter(function (step) { return step >= finest; });

  function total(values) {
    var sum = 0;
    for (var i = 0; i < values.length; i++) sum += values[i];
    return sum;
  }

  // Stacked by drawing the running sums, largest first, each filled to the axis: the layers read bottom up as listed.
  function draw(element, layers) {
    var activity = data.activity;
    var n = activity.buckets.length;
    if (n === 0 || layers.length === 0) {
      element.textContent = 'nothing to draw: no events of this kind in the window';
      element.className += ' empty';
      return;
    }
    var xs = new Array(n + 1);
    for (var i = 0; i < n; i++) xs[i] = activity.buckets[i] / 1000;
    xs[n] = (activity.buckets[n - 1] + activity.bucketMs) / 1000;
    var run = new Array(n + 1).fill(0);
    var sums = layers.map(function (layer) {
      var next = new Array(n + 1);
      for (var j = 0; j < n; j++) next[j] = run[j] + (layer.values[j] || 0);
      next[n] = next[n - 1];
      run = next;
      return next;
    });
    var order = layers.map(function (_, k) { return k; }).reverse();
    var series = [{ label: 'bucket (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' }].concat(order.map(function (k) {
      var layer = layers[k];
      return {
        label: layer.label,
        stroke: layer.color,
        fill: layer.color,
        width: 1,
        points: { show: false },
        paths: uPlot.paths.stepped({ align: 1 }),
        value: function (u, v, s, index) { return index == null ? '—' : String(layer.values[Math.min(index, n - 1)] || 0); }
      };
    }));
    var chart = new uPlot({
      width: Math.max(600, element.clientWidth || 1180),
      height: 260,
      tzDate: utc,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [{ incrs: steps.length > 0 ? steps : [finest], values: function (u, splits) { return splits.map(function (split) { return tick(utc(split)); }); } }, { size: 64 }],
      series: series
    }, [xs].concat(order.map(function (k) { return sums[k]; })), element);
    element.setAttribute('data-drawn', String(chart.series.length - 1));
  }

  function layersOf(map, name) {
    return Object.keys(map)
      .map(function (key) { return { label: name(key), values: map[key], sum: total(map[key]) }; })
      .sort(function (a, b) { return b.sum - a.sum; });
  }

  var classes = layersOf(data.activity.byClass, function (key) { return key === '-' ? '(no class)' : key; });
  classes.forEach(function (layer, k) { layer.color = layer.label === '(no class)' ? grey : palette[k % palette.length]; });
  var users = layersOf(data.activity.byUser, function (key) { return key === '' ? '(no user)' : key; });
  users.forEach(function (layer, k) { layer.color = palette[k % palette.length]; });
  if (total(data.activity.byUserOther) > 0) users.push({ label: 'all other users', values: data.activity.byUserOther, color: grey });

  var byClass = document.getElementById('chart-by-class');
  var byUser = document.getElementById('chart-by-user');
  if (byClass) draw(byClass, classes);
  if (byUser) draw(byUser, users);
})();
`;
