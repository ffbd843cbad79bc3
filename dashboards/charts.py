"""Analytics report dicts in, Chart.js configs out (drawn by static/js/charts.js).

Each chart has exactly one point per row of the report series it draws, so a chart, its table and
the API response for the same query always agree.
"""

from collections.abc import Iterable
from datetime import date

COUNTRY_COLOURS = {"US": "#1f5fbf", "CN": "#d1342f"}
OTHER_COLOURS = ["#0f766e", "#7c3aed", "#b45309", "#4b5563", "#be185d", "#15803d"]


def country_colour(code: str) -> str:
    if code in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[code]
    return OTHER_COLOURS[sum(map(ord, code)) % len(OTHER_COLOURS)]


def _time_axis() -> dict:
    return {
        "type": "time",
        # No fixed unit: Chart.js picks days to years from the range, so an 11-day series still has ticks.
        # Day and week ticks name the year too ("Jul 27, 2026"): a series of a few months otherwise shows no year.
        "time": {
            "minUnit": "day",
            "tooltipFormat": "yyyy-MM-dd",
            "displayFormats": {"day": "MMM d, yyyy", "week": "MMM d, yyyy"},
        },
        "ticks": {"maxRotation": 0, "autoSkipPadding": 16},
        "title": {"display": True, "text": "Date"},
    }


def _fmt(value, digits: int = 1, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def held_steps(points: list[dict], *, until: str | None = None) -> list[dict]:
    """Points of a step line (`{"x", "y", ...}` ordered by x) with each value held until the next point.

    Chart.js draws a value followed by a null as a lone dot: this adds a copy of the value (marked `held`) at
    the null's x, so the line runs to where the value stopped being true, then breaks. A last value is held
    to `until` (the end of its validity) when that is later. The other points are unchanged, so leaving out
    the `held` ones still gives one point per report row.
    """
    out: list[dict] = []
    for point in points:
        previous = out[-1] if out else None
        if point["y"] is None and previous and previous["y"] is not None and previous["x"] < point["x"]:
            out.append({**previous, "x": point["x"], "held": True})
        out.append(point)
    if out and out[-1]["y"] is not None and until and until > out[-1]["x"]:
        out.append({**out[-1], "x": until, "held": True})
    return out


def event_markers(events: Iterable[dict]) -> list[dict]:
    return [{"x": e["date"], "short": e["kind"], "title": e["title"]} for e in events]


def gap_chart(report: dict, *, events: Iterable[dict] = ()) -> dict:
    """Two stepped frontier lines (score axis) and the gap (second axis), one point per series row."""
    a, b, series = report["a"], report["b"], report["series"]

    def frontier(side: str) -> dict:
        code = report[side]
        return {
            "label": f"{code} frontier",
            "data": held_steps(
                [
                    {
                        "x": row["date"],
                        "y": row[f"{side}_value"],
                        "tip": [
                            f"{code} frontier: {_fmt(row[f'{side}_value'])} ({row[f'{side}_model'] or 'no model'})",
                            f"as of {row['date']}",
                        ],
                    }
                    for row in series
                ]
            ),
            "stepped": "before",
            "borderColor": country_colour(code),
            "backgroundColor": country_colour(code),
            "pointRadius": 2,
            "yAxisID": "y",
        }

    gap = {
        "label": f"Gap ({a} minus {b}, points)",
        "data": held_steps(
            [
                {
                    "x": row["date"],
                    "y": row["gap"],
                    "tip": [
                        f"gap {_fmt(row['gap'])} points",
                        f"lead {row['lead_days']} days" if row["lead_days"] is not None else "no lead",
                    ],
                }
                for row in series
            ]
        ),
        "stepped": "before",
        "borderColor": "#5f6b7a",
        "borderDash": [6, 4],
        "pointRadius": 0,
        "yAxisID": "gap",
    }
    return {
        "type": "line",
        "data": {"datasets": [frontier("a"), frontier("b"), gap]},
        "options": {
            "interaction": {"mode": "nearest", "intersect": False},
            "scales": {
                "x": _time_axis(),
                "y": {"title": {"display": True, "text": f"Score ({report['metric']})"}},
                "gap": {
                    "position": "right",
                    "grid": {"drawOnChartArea": False},
                    "title": {"display": True, "text": "Gap (points)"},
                },
            },
        },
        "markers": event_markers(events),
    }


def cost_chart(report: dict, *, events: Iterable[dict] = ()) -> dict:
    """The cost ratio A/B of equal capability on a log axis, one point per series row."""
    a, b = report["a"], report["b"]
    data = held_steps(
        [
            {
                "x": row["date"],
                "y": row["ratio"],
                "tip": [
                    f"{a}/{b} cost ratio: {_fmt(row['ratio'], 2, 'x')}",
                    f"{a}: ${_fmt(row['a_price'], 2)} ({row['a_model'] or 'none'})",
                    f"{b}: ${_fmt(row['b_price'], 2)} ({row['b_model'] or 'none'})",
                ],
            }
            for row in report["series"]
        ]
    )
    return {
        "type": "line",
        "data": {
            "datasets": [
                {
                    "label": f"Cost ratio {a}/{b} (blended USD per 1M tokens)",
                    "data": data,
                    "stepped": "before",
                    "borderColor": "#0f766e",
                    "backgroundColor": "#0f766e",
                    "pointRadius": 2,
                }
            ]
        },
        "options": {
            "interaction": {"mode": "nearest", "intersect": False},
            "scales": {
                "x": _time_axis(),
                "y": {"type": "logarithmic", "title": {"display": True, "text": f"Cost ratio {a}/{b} (log scale)"}},
            },
        },
        "markers": event_markers(events),
    }


def scatter_chart(points: list[dict], frontiers: dict[str, list[dict]], *, metric: str) -> dict:
    """Price (log x) against score per country, with each country's price-performance frontier.

    `points`: {country, model, price, value}; `frontiers`: country -> the points on its frontier.
    """
    datasets = []
    for code in sorted({p["country"] for p in points}):
        colour = country_colour(code)
        datasets.append(
            {
                "type": "scatter",
                "label": f"{code} models",
                "data": [
                    {
                        "x": p["price"],
                        "y": p["value"],
                        "tip": f"{p['model']}: {_fmt(p['value'])} at ${_fmt(p['price'], 2)}",
                    }
                    for p in points
                    if p["country"] == code
                ],
                "borderColor": colour,
                "backgroundColor": colour + "99",
                "pointStyle": "circle",
                "pointRadius": 4,
            }
        )
        line = frontiers.get(code, [])
        if line:
            datasets.append(
                {
                    "type": "line",
                    "label": f"{code} price-performance frontier",
                    "data": frontier_steps(line),
                    "borderColor": colour,
                    "backgroundColor": colour,
                    # Chart.js "before" holds a level until the next point's x: each level starts at the price
                    # that buys it ("after" would jump up at the cheaper model's price).
                    "stepped": "before",
                    "pointStyle": "line",
                    "pointRadius": 0,
                    "borderWidth": 2,
                    "borderDash": [5, 3],
                }
            )
    return {
        "type": "scatter",
        "data": {"datasets": datasets},
        "options": {
            "plugins": {"legend": {"labels": {"usePointStyle": True}}},
            "scales": {
                "x": {
                    "type": "logarithmic",
                    "title": {"display": True, "text": "Blended price, USD per 1M tokens (log)"},
                },
                "y": {"title": {"display": True, "text": f"Score ({metric})"}},
            },
        },
    }


def frontier_steps(line: list[dict]) -> list[dict]:
    """A price-performance frontier (ordered by price, each a strict improvement) as step points: each level
    starts at its own model's price and holds until the next, dearer level."""
    return [
        {
            "x": p["price"],
            "y": p["value"],
            "tip": f"frontier: {p['model']} {_fmt(p['value'])} from ${_fmt(p['price'], 2)}",
        }
        for p in line
    ]


def price_history_chart(lines: dict[str, list[dict]]) -> dict:
    """One stepped line per offering: `lines` maps a label to rows {date, blended}."""
    datasets = [
        {
            "label": label,
            "data": held_steps(
                [
                    {"x": r["date"], "y": r["blended"], "tip": f"{label}: ${_fmt(r['blended'], 4)} from {r['date']}"}
                    for r in rows
                ]
            ),
            "stepped": "before",
            "borderColor": OTHER_COLOURS[i % len(OTHER_COLOURS)],
            "backgroundColor": OTHER_COLOURS[i % len(OTHER_COLOURS)],
            "pointRadius": 3,
        }
        for i, (label, rows) in enumerate(lines.items())
    ]
    return {
        "type": "line",
        "data": {"datasets": datasets},
        "options": {
            "scales": {
                "x": _time_axis(),
                "y": {"type": "logarithmic", "title": {"display": True, "text": "Blended USD per 1M tokens (log)"}},
            }
        },
    }


def price_history_lines(prices, *, until: date) -> dict[str, list[dict]]:
    """PricePoints (ordered by offering, then date) as one line of list prices per offering, plus one per
    offering's off-peak prices: label -> [{date, blended}]. A line holds its last price until the offering
    retired (or `until`); an ended price (effective_to) breaks the line there, or at the offering's retirement
    when that came first (a retired offering sells nothing)."""
    lines: dict[str, list[dict]] = {}
    ends: dict[str, date] = {}
    for p in prices:
        label = f"{p.offering.provider.slug}:{p.offering.provider_model_id}" + (" (off-peak)" if p.off_peak else "")
        line = lines.setdefault(label, [])
        line.append({"date": p.effective_from.isoformat(), "blended": float(p.blended_per_mtok)})
        if p.effective_to:  # an ended price stops there, or where its offering retired if that came first
            stop = min(filter(None, [p.effective_to, p.offering.retired_on]))
            line.append({"date": stop.isoformat(), "blended": None})
        ends[label] = min(filter(None, [p.offering.retired_on, until]))
    for label, line in lines.items():
        last = line[-1]
        if last["blended"] is not None and ends[label].isoformat() > last["date"]:
            line.append({"date": ends[label].isoformat(), "blended": last["blended"]})
    return lines


def index_chart(models: list[dict]) -> dict:
    """Each model's capability index against its release date, one colour per country; the 90% interval (when
    computed) in the tooltip. `models`: the capability-index report's rows."""

    def tip(m: dict) -> list[str]:
        lines = [f"{m['name']} ({m['lab']}, {m['country']}): {_fmt(m['index'])}", f"released {m['release_date']}"]
        if m["ci_low"] is not None:
            lines.append(f"90% interval {_fmt(m['ci_low'])} to {_fmt(m['ci_high'])}")
        return lines

    datasets = [
        {
            "type": "scatter",
            "label": f"{code} models",
            "data": [{"x": m["release_date"], "y": m["index"], "tip": tip(m)} for m in models if m["country"] == code],
            "borderColor": country_colour(code),
            "backgroundColor": country_colour(code),
            "pointRadius": 3,
            "pointStyle": "circle",
            "clip": False,  # the newest and oldest models sit on the plot's edges: draw them whole
        }
        for code in sorted({m["country"] for m in models})
    ]
    return {
        "type": "scatter",
        "data": {"datasets": datasets},
        "options": {
            "scales": {"x": _time_axis(), "y": {"title": {"display": True, "text": "Capability index"}}},
            "plugins": {"legend": {"labels": {"usePointStyle": True}}},
        },
    }
