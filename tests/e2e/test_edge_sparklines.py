"""A connection is selected by a real click near its line in the 3D view,
and the detail panel shows its recorded request rate and latency as
sparklines, as it shows an entity's CPU and memory."""
import urllib.parse

from selenium.webdriver.common.by import By

from conftest import click_until_selected, gestalt, open_page, wait_until


def _clickable_connections(drv):
    """Drawn connections whose line's middle is on the canvas, not under an entity or a panel, and picks them."""
    return drv.execute_script("""
        const g = window.gestalt, r = document.getElementById('canvas').getBoundingClientRect(), found = [];
        for (const id of g.connectionIds()) {
          const c = g.connection(id);
          if (!c) continue;
          const a = g.screenPosition(c.source_id), b = g.screenPosition(c.target_id);
          if (!a || !b || Math.hypot(a.x - b.x, a.y - b.y) < 30) continue;
          const x = (a.x + b.x) / 2, y = (a.y + b.y) / 2;
          if (x < r.left + 20 || x > r.right - 20 || y < r.top + 20 || y > r.bottom - 20) continue;
          if (document.elementFromPoint(x, y) !== document.getElementById('canvas')) continue;
          if (g.entityAt(x, y) === null && g.connectionAt(x, y) === id)
            found.push({ id, x, y, left: r.left, top: r.top, width: r.width, height: r.height });
        }
        return found;""")


def test_clicking_near_a_connection_shows_its_sparklines(driver, history_server):
    srv = history_server
    page = open_page(driver, srv)

    def recorded(connection_id):
        try:
            body = srv.get(f"/api/infra/metrics/{urllib.parse.quote(connection_id, safe='')}?metrics=requests_per_sec")
        except Exception:
            return False
        return any(s["points"] for s in body["series"])

    details = page.find_element(By.ID, "tab-details")

    click_until_selected(
        page, lambda: next((c for c in _clickable_connections(page) if recorded(c["id"])), None),
        lambda t: details.get_attribute("data-connection-id") == t["id"],
        message="a real canvas click selects a connection with recorded traffic")
    assert gestalt(page, "selected()") is None, "no entity is selected"

    def drawn():
        sparks = page.find_elements(By.CSS_SELECTOR, "#sparklines .spark[data-metric=requests_per_sec] path")
        return sparks and sparks[0].get_attribute("d")

    wait_until(drawn, 10, message="request rate sparkline drawn")
    assert page.find_elements(By.CSS_SELECTOR, "#sparklines .spark[data-metric=latency_ms]")
    assert not page.find_elements(By.CSS_SELECTOR, "#sparklines .spark[data-metric=cpu_percent]")
