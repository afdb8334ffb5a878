/* Fit each sheet: shrink the photos first (a tall phone photo must not halve the text),
   then the text down to a readable minimum; if it still does not fit, mark the sheet
   (on screen only) so volunteers shorten it. */
(function () {
  var probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;visibility:hidden;width:calc(var(--u) * 100)';
  document.body.appendChild(probe);
  var u = probe.getBoundingClientRect().width / 100;
  document.body.removeChild(probe);
  function over(box, text) { return text.scrollHeight > box.clientHeight + 1; }
  function fit(sheet) {
    var box = sheet.querySelector('.fit'), text = sheet.querySelector('.text'), pics = sheet.querySelector('.pics');
    if (!box || !text) return;
    var ph = pics ? parseFloat(getComputedStyle(pics.querySelector('img')).maxHeight) : 0;
    while (pics && over(box, text) && ph > 30 * u) { ph *= 0.9; pics.style.setProperty('--pic-h', ph + 'px'); }
    var fs = parseFloat(getComputedStyle(text).fontSize), min = (sheet.classList.contains('record') ? 2.5 : 3.4) * u;
    while (over(box, text) && fs > min) { fs = Math.max(min, fs * 0.96); text.style.fontSize = fs + 'px'; }
    if (over(box, text)) sheet.classList.add('too-long');
  }
  function fitAll() {
    var sheets = document.querySelectorAll('.sheet');
    for (var i = 0; i < sheets.length; i++) fit(sheets[i]);
  }
  if (document.readyState === 'complete') fitAll(); else window.addEventListener('load', fitAll);  /* after photos */
})();
