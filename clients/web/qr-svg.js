// QR codes of invitation links as SVG, drawn from the vendored encoder's
// module matrix. SVG rather than an <img> data URL: it stays sharp at any
// print size, and it needs no inline style, which the page policy forbids.
import qrcode from './vendor-qrcode.js';

// text → {size, isDark(row, col)}. Level M survives a scuffed card or a
// phone screen's glare; type 0 lets the encoder pick the smallest version.
export function qrMatrix(text, level = 'M') {
  const qr = qrcode(0, level);
  qr.addData(String(text));
  qr.make();
  const size = qr.getModuleCount();
  return { size, isDark: (row, col) => qr.isDark(row, col) };
}

// The matrix as one SVG path in module units, with a quiet zone of
// `margin` modules (scanners need 4). Each run of dark modules in a row is
// one rectangle, which keeps the path short.
export function qrPath(matrix, margin = 4) {
  const parts = [];
  for (let row = 0; row < matrix.size; row += 1) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.isDark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.isDark(row, col)) col += 1;
      parts.push(`M${start + margin} ${row + margin}h${col - start}v1h-${col - start}z`);
    }
  }
  return { d: parts.join(''), viewSize: matrix.size + 2 * margin };
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// An <svg role="img"> of text's QR code, sized by CSS.
export function qrSvg(doc, text, label) {
  const { d, viewSize } = qrPath(qrMatrix(text));
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${viewSize} ${viewSize}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = doc.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', String(viewSize));
  background.setAttribute('height', String(viewSize));
  background.setAttribute('fill', '#fff');
  const path = doc.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
}
