() => {
  /* Offline soaks (screen_soak.py): every simulated second, is a slide with something on it
     showing? Counted in the page: window.__checks seconds, window.__blank of them without one. */
  window.__blank = 0;
  window.__checks = 0;
  setInterval(() => {
    window.__checks++;
    const s = document.querySelector('.slide.on'), night = document.documentElement.classList.contains('night');
    if (!night && !(s && (s.textContent.trim() || s.querySelector('img,video')))) window.__blank++;
  }, 1000);
}
