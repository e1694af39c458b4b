"""The viewports the browser tests look at the site in."""

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
