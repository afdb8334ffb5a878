/* Draw every QR placeholder of a print page (a .qr element whose data-qr holds the URL) as an
   SVG, in the browser: error correction M, a quiet zone of 2 modules, dark #000 on
   #fff. The size comes from the page's CSS (.qr svg). Uses qrcode.js (beside this file). */
(function () {
  var BORDER = 2;
  qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8'];  /* URLs may hold non-ASCII */
  var places = document.querySelectorAll('.qr[data-qr]');
  for (var i = 0; i < places.length; i++) {
    var place = places[i];
    if (place.querySelector('svg')) continue;
    var code = qrcode(0, 'M');
    code.addData(place.getAttribute('data-qr'), 'Byte');
    code.make();
    var n = code.getModuleCount(), size = n + 2 * BORDER, d = '';
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        if (!code.isDark(r, c)) continue;
        var run = 1;
        while (c + run < n && code.isDark(r, c + run)) run++;
        d += 'M' + (c + BORDER) + ' ' + (r + BORDER) + 'h' + run + 'v1h-' + run + 'z';
        c += run - 1;
      }
    }
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 ' + size + ' ' + size);
    svg.setAttribute('shape-rendering', 'crispEdges');
    svg.setAttribute('aria-hidden', 'true');
    svg.innerHTML = '<path fill="#fff" d="M0 0h' + size + 'v' + size + 'H0z"/><path fill="#000" d="' + d + '"/>';
    place.insertBefore(svg, place.firstChild);
  }
})();
