"""The browser's position for "autour de moi" (search page, Jeune space): a script for
`rx.call_script(NEAR_ME_SCRIPT, callback=...)` whose callback gets [latitude, longitude], or None
when the person refuses, the browser cannot tell, or it takes too long."""

NEAR_ME_SCRIPT = """new Promise((resolve) => {
  if (!navigator.geolocation) { resolve(null); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve([p.coords.latitude, p.coords.longitude]),
    () => resolve(null), {timeout: 8000, maximumAge: 600000});
})"""
