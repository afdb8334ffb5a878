(() => {
  let n = 0;
  const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
  while (w.nextNode()) n++;
  return n;
})()
