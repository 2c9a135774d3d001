// sitrep's dashboard: a map, a timeline and a list of incidents, an incident's page and an article's page,
// all drawn from the JSON API (/api/...). Everything read from the store is untrusted text: it is put in
// the page with textContent and createTextNode only, never as HTML.
"use strict";

(function () {
  const TYPES = {
    armed_clash: ["Armed clash", "#4e79a7"],
    armed_assault: ["Armed assault", "#e15759"],
    bombing: ["Bombing", "#f28e2b"],
    air_or_artillery_strike: ["Air or artillery strike", "#76b7b2"],
    hijacking: ["Hijacking", "#59a14f"],
    hostage_taking: ["Hostage taking", "#edc948"],
    kidnapping: ["Kidnapping", "#b07aa1"],
    assassination: ["Assassination", "#ff9da7"],
    facility_attack: ["Facility attack", "#9c755f"],
    other: ["Other", "#bab0ac"],
  };
  const COUNTS = {
    killed: "Killed (all)",
    killed_victims: "Civilians killed",
    killed_security: "Security forces killed",
    killed_perpetrators: "Perpetrators killed",
    injured: "Injured",
    hostages: "Hostages or abducted",
    rescued: "Rescued or freed",
  };
  const QUALIFIERS = {
    exact: "", at_least: "at least", more_than: "more than", about: "about",
    nearly: "nearly", up_to: "up to", several: "several",
  };
  const FILTERS = ["since", "until", "country", "type", "perpetrator", "min_killed", "q"];
  const LIST_LIMIT = 1000;
  const SVG = "http://www.w3.org/2000/svg";
  let lastItems = null; // the overview's incidents, to redraw the timeline when the window is resized

  // ------------------------------------------------------------ DOM helpers (text only, never HTML)

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttributes(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttributes(node, attrs);
    append(node, children);
    return node;
  }

  function setAttributes(node, attrs) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, String(value));
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function $(id) {
    return document.getElementById(id);
  }

  // ------------------------------------------------------------ the API

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body && body.error ? body.error.message : response.statusText;
      throw new Error(`${response.status}: ${message}`);
    }
    return body;
  }

  function showProblem(error) {
    const box = $("problem");
    box.textContent = error ? String(error.message || error) : "";
    box.hidden = !error;
  }

  // ------------------------------------------------------------ words and numbers

  function typeName(type) {
    return (TYPES[type] || [type || "unknown"])[0];
  }

  function typeColour(type) {
    return (TYPES[type] || [null, "#888888"])[1];
  }

  function place(item) {
    return [item.place, item.admin1, item.country].filter(Boolean).join(", ") || "place unknown";
  }

  function shortPlace(item) {
    return [item.place || item.admin1, item.country].filter(Boolean).join(", ") || "unknown";
  }

  function figure(entry) {
    if (!entry) return "";
    const qualifier = QUALIFIERS[entry.qualifier] || "";
    if (entry.value === null || entry.value === undefined) {
      const bound = entry.low !== null && entry.low !== undefined ? ` (at least ${entry.low})` : "";
      return `${qualifier || "unknown"}${bound}`;
    }
    return qualifier ? `${qualifier} ${entry.value}` : String(entry.value);
  }

  function orDash(value) {
    return value === null || value === undefined ? "–" : String(value);
  }

  function claimWords(perpetrator) {
    if (!perpetrator) return "no perpetrator named";
    if (perpetrator.claimed === true) return "claimed responsibility";
    if (perpetrator.claimed === false) return "no claim of responsibility";
    return "claim not reported";
  }

  function articleHref(articleId, span, field) {
    const query = new URLSearchParams();
    if (span) {
      query.set("start", span.start);
      query.set("end", span.end);
    }
    if (span && field) query.set("field", field);
    return `#/article/${encodeURIComponent(articleId)}${span ? `?${query}` : ""}`;
  }

  // ------------------------------------------------------------ routing

  function route() {
    showProblem(null);
    const hash = location.hash || "#/";
    const [path, query] = splitOnce(hash.slice(1), "?");
    const params = new URLSearchParams(query || "");
    if (path.startsWith("/incident/")) show("view-incident", () => showIncident(decodeURIComponent(path.slice(10))));
    else if (path.startsWith("/article/")) show("view-article", () => showArticle(decodeURIComponent(path.slice(9)), params));
    else show("view-overview", () => showOverview(params));
  }

  function splitOnce(text, separator) {
    const at = text.indexOf(separator);
    return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
  }

  function show(viewId, render) {
    for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== viewId;
    render().catch(showProblem);
  }

  // ------------------------------------------------------------ the overview: filters, list, map, timeline

  async function showOverview(params) {
    document.title = "sitrep";
    fillForm(params);
    const query = new URLSearchParams();
    for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
    query.set("limit", String(LIST_LIMIT));
    $("list-status").textContent = "Loading…";
    const page = await api(`api/incidents?${query}`);
    renderStatus(page);
    renderList(page.items);
    lastItems = page.items;
    await drawMap(page.items);
    drawTimeline(page.items);
  }

  function fillForm(params) {
    const form = $("filters");
    for (const name of FILTERS) form.elements[name].value = params.get(name) || "";
  }

  function submitFilters(event) {
    event.preventDefault();
    const data = new FormData($("filters"));
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(data.get(name) || "").trim();
      if (value) query.set(name, value);
    }
    location.hash = `#/?${query}`;
  }

  function renderStatus(page) {
    const shown = page.items.length;
    $("list-status").textContent = page.total > shown
      ? `${page.total} incidents; the latest ${shown} are shown`
      : `${page.total} incident${page.total === 1 ? "" : "s"}`;
  }

  function renderList(items) {
    const body = clear($("incident-list").tBodies[0]);
    for (const item of items) {
      const href = `#/incident/${encodeURIComponent(item.id)}`;
      const row = el("tr", { class: "incident-row", "data-id": item.id },
        el("td", {}, el("a", { href, text: item.date || "undated" })),
        el("td", {}, el("span", { class: "type-cell" }, chip(item.type), el("span", { text: typeName(item.type) }))),
        el("td", { text: shortPlace(item), title: place(item) }),
        el("td", { text: item.perpetrator || "" }),
        el("td", { class: "num", text: orDash(item.killed) }));
      row.addEventListener("click", (event) => {
        if (event.target.tagName !== "A") location.hash = href;
      });
      body.appendChild(row);
    }
  }

  function chip(type) {
    const node = el("span", { class: "chip" });
    node.style.background = typeColour(type);
    return node;
  }

  // ------------------------------------------------------------ the map: countries from Natural Earth, no tiles

  let map = null;
  let markers = null;

  async function ensureMap() {
    if (map) {
      map.invalidateSize();
      return map;
    }
    map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 10, zoomSnap: 0.5 }).setView([20, 30], 2);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth");
    const world = await fetch("static/vendor/world-atlas/countries-110m.json").then((r) => r.json());
    L.geoJSON(countries(world), {
      interactive: false,
      style: { color: "#b4ad9c", weight: 0.8, fillColor: "#f3f0e8", fillOpacity: 1 },
    }).addTo(map);
    markers = L.layerGroup().addTo(map);
    legend().addTo(map);
    return map;
  }

  // The world's countries without Antarctica, each ring that crosses the antimeridian (Fiji, Chukotka) drawn
  // continuously east of 180° rather than as a line across the whole map.
  function countries(world) {
    const all = topojson.feature(world, world.objects.countries);
    const features = all.features.filter((f) => f.properties.name !== "Antarctica");
    for (const feature of features) {
      const geometry = feature.geometry;
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      for (const ring of polygons.flat()) unwrap(ring);
    }
    return { type: "FeatureCollection", features };
  }

  function unwrap(ring) {
    const lons = ring.map((point) => point[0]);
    if (Math.max(...lons) - Math.min(...lons) <= 180) return;
    for (const point of ring) if (point[0] < 0) point[0] += 360;
  }

  function radius(killed) {
    return killed ? Math.min(30, 4 + 2.2 * Math.sqrt(killed)) : 4;
  }

  async function drawMap(items) {
    await ensureMap();
    markers.clearLayers();
    const placed = items.filter((i) => i.lat !== null && i.lon !== null);
    placed.sort((a, b) => (b.killed || 0) - (a.killed || 0)); // small circles drawn last, on top
    for (const item of placed) {
      const marker = L.circleMarker([item.lat, item.lon], {
        radius: radius(item.killed), color: "#2b2b2b", weight: 1, fillColor: typeColour(item.type),
        fillOpacity: 0.78, className: "incident-marker",
      });
      marker.bindTooltip(markerTip(item), { direction: "top" });
      marker.on("click", () => { location.hash = `#/incident/${encodeURIComponent(item.id)}`; });
      markers.addLayer(marker);
    }
    if (placed.length) {
      const bounds = L.latLngBounds(placed.map((i) => [i.lat, i.lon]));
      map.fitBounds(bounds.pad(0.4), { maxZoom: 5 });
    }
  }

  function markerTip(item) {
    const killed = item.killed === null ? "deaths unknown" : `${item.killed} killed`;
    return el("div", { class: "marker-tip" },
      el("b", { text: `${typeName(item.type)}, ${item.date || "undated"}` }),
      el("span", { text: place(item) }), el("br"),
      el("span", { text: [killed, item.perpetrator].filter(Boolean).join(" · ") }));
  }

  function legend() {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const types = el("div", { class: "types" });
      for (const type of Object.keys(TYPES)) types.append(el("div", {}, chip(type), typeName(type)));
      const box = el("div", { class: "legend" }, el("h4", { text: "Type" }), types, el("h4", { text: "Killed" }));
      const sizes = el("div", { class: "sizes" });
      for (const killed of [1, 10, 100]) {
        const ring = el("span", { class: "ring" });
        ring.style.width = ring.style.height = `${2 * radius(killed)}px`;
        sizes.append(el("span", {}, ring, String(killed)));
      }
      box.append(sizes);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  // ------------------------------------------------------------ the timeline: incidents and deaths per day

  function perDay(items) {
    const days = new Map();
    for (const item of items) {
      if (!item.date) continue;
      const day = days.get(item.date) || { incidents: 0, deaths: 0 };
      day.incidents += 1;
      day.deaths += item.killed || 0;
      days.set(item.date, day);
    }
    return days;
  }

  function drawTimeline(items) {
    const box = clear($("timeline"));
    if (box.clientWidth < 100) return; // hidden (another page is shown): drawn when the overview is shown again
    const days = perDay(items);
    const width = box.clientWidth - 12;
    const height = Math.max(120, box.clientHeight - 8);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "incidents and deaths per day" });
    box.appendChild(chart);
    const undated = items.filter((i) => !i.date).length;
    const title = `Incidents (blue) and deaths (red) per day${undated ? ` — ${undated} undated not shown` : ""}`;
    chart.appendChild(svg("text", { x: 4, y: 13, class: "label", text: title }));
    if (!days.size) {
      chart.appendChild(svg("text", { x: 4, y: 40, text: "no dated incident" }));
      return;
    }
    const scale = timeScale([...days.keys()], 78, width - 10);
    const half = (height - 40) / 2;
    bars(chart, days, scale, "incidents", { top: 20, height: half - 4 });
    bars(chart, days, scale, "deaths", { top: 20 + half, height: half - 4 });
    axis(chart, scale, height - 18);
  }

  function timeScale(dates, left, right) {
    const times = dates.map((d) => Date.parse(d));
    const dayMs = 86400000;
    const start = Math.min(...times) - dayMs;
    const end = Math.max(...times) + 2 * dayMs;
    const per = (right - left) / (end - start);
    return { start, end, left, right, x: (t) => left + (t - start) * per, day: dayMs * per };
  }

  function bars(chart, days, scale, series, box) {
    const most = Math.max(1, ...[...days.values()].map((d) => d[series]));
    const group = svg("g", { class: `series-${series}` });
    group.appendChild(svg("text", { x: 0, y: box.top + 10, text: series }));
    group.appendChild(svg("text", { x: 0, y: box.top + 22, text: `max ${most}` }));
    const width = Math.max(2, scale.day);
    for (const [day, counts] of days) {
      const value = counts[series];
      if (!value) continue;
      const h = Math.max(1.5, (value / most) * box.height);
      const bar = svg("rect", {
        class: `bar-${series}`, x: scale.x(Date.parse(day)) - width / 2, y: box.top + box.height - h, width, height: h,
        "data-day": day,
      }, svg("title", { text: `${day}: ${counts.incidents} incident(s), ${counts.deaths} killed` }));
      bar.addEventListener("click", () => filterDay(day));
      group.appendChild(bar);
    }
    chart.appendChild(group);
  }

  function filterDay(day) {
    const params = new URLSearchParams(splitOnce(location.hash, "?")[1]);
    params.set("since", day);
    params.set("until", day);
    location.hash = `#/?${params}`;
  }

  function axis(chart, scale, y) {
    const group = svg("g", { class: "axis" });
    group.appendChild(svg("line", { x1: scale.left, x2: scale.right, y1: y, y2: y }));
    for (const tick of ticks(scale)) {
      const x = scale.x(tick.time);
      group.appendChild(svg("line", { x1: x, x2: x, y1: y, y2: y + 4 }));
      group.appendChild(svg("text", { x, y: y + 14, "text-anchor": "middle", text: tick.label }));
    }
    chart.appendChild(group);
  }

  function ticks(scale) {
    const spanDays = (scale.end - scale.start) / 86400000;
    const first = new Date(scale.start);
    const out = [];
    const byYear = spanDays > 3 * 365;
    const stepYears = byYear ? Math.ceil(spanDays / 365 / 10) : 0;
    const stepMonths = byYear ? 0 : Math.max(1, Math.ceil(spanDays / 30 / 10));
    let cursor = byYear
      ? new Date(Date.UTC(first.getUTCFullYear() + 1, 0, 1))
      : new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
    while (cursor.getTime() < scale.end && out.length < 40) {
      const label = byYear ? String(cursor.getUTCFullYear()) : cursor.toISOString().slice(0, 7);
      out.push({ time: cursor.getTime(), label });
      cursor = byYear
        ? new Date(Date.UTC(cursor.getUTCFullYear() + stepYears, 0, 1))
        : new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + stepMonths, 1));
    }
    if (!out.length) out.push({ time: scale.start + 86400000, label: new Date(scale.start + 86400000).toISOString().slice(0, 10) });
    return out;
  }

  // ------------------------------------------------------------ an incident: figures, how they moved, reports

  async function showIncident(incidentId) {
    const view = clear($("view-incident"));
    view.append(el("p", { class: "muted", text: "Loading…" }));
    const incident = await api(`api/incidents/${encodeURIComponent(incidentId)}`);
    clear(view);
    document.title = `sitrep: ${typeName(incident.type)} ${incident.id}`;
    append(view, [
      el("a", { class: "back", href: "#/", text: "← all incidents" }),
      incidentHeading(incident),
      el("h2", { text: "Figures" }),
      figuresTable(incident),
      deathsBySide(incident.deaths),
      el("h2", { text: "How each figure moved from report to report" }),
      ...Object.keys(COUNTS).filter((name) => incident.counts[name]).map((name) => countHistory(name, incident.counts[name])),
      el("h2", { text: "Reports and mentions" }),
      articlesList(incident.articles || []),
    ]);
  }

  function incidentHeading(incident) {
    const where = incident.location || {};
    const when = incident.date || {};
    const perpetrator = incident.perpetrator;
    return el("div", {},
      el("h1", {}, chip(incident.type), `${typeName(incident.type)} — ${place(where)}`),
      el("p", { class: "meta" },
        el("span", { class: "pill", text: when.start ? `${when.start} (${when.precision})` : "date unknown" }),
        el("span", { class: "pill", text: `located to ${where.precision || "unknown"}` }),
        el("span", { class: "pill", text: incident.id })),
      el("p", { class: "perpetrator" },
        el("strong", { text: "Perpetrator: " }),
        perpetrator && perpetrator.name ? perpetrator.name : "not named",
        perpetrator && perpetrator.group && perpetrator.group !== perpetrator.name ? ` (${perpetrator.group})` : "",
        ` — ${claimWords(perpetrator)}`));
  }

  function latestStated(count) {
    const stated = (count.history || []).filter((h) => h.value !== null && h.value !== undefined);
    return stated.length ? stated[stated.length - 1] : (count.history || [])[0];
  }

  function figureLink(entry, text, countName) {
    const span = (entry.evidence || [])[0];
    return el("a", {
      href: articleHref(entry.article, span, countName), class: "figure-link", "data-count": countName,
      title: span ? `from ${entry.article}: “${span.text}”` : `from ${entry.article}`, text,
    });
  }

  function figuresTable(incident) {
    const body = el("tbody");
    for (const [name, label] of Object.entries(COUNTS)) {
      const count = incident.counts[name];
      if (!count) continue;
      const latest = latestStated(count);
      body.append(el("tr", { "data-count": name },
        el("td", { text: label }),
        el("td", { class: "value num" }, latest ? figureLink(latest, figure(latest), name) : orDash(count.best)),
        el("td", { class: "num", text: orDash(count.low) }),
        el("td", { class: "num", text: orDash(count.high) }),
        el("td", { class: "num", text: String(count.reports) }),
        el("td", { class: "muted", text: latest && latest.source ? latest.source : "" })));
    }
    if (!body.children.length) return el("p", { class: "muted", text: "No figure was reported." });
    return el("table", { class: "figures" },
      el("thead", {}, el("tr", {}, ...["Figure", "Best", "Low", "High", "Reports", "Source"].map(
        (h, i) => el("th", { class: i && i < 5 ? "num" : null, text: h })))),
      body);
  }

  function deathsBySide(deaths) {
    if (!deaths || deaths.best === null || deaths.best === undefined) return null;
    const sides = [["civilians", "civilians"], ["security_forces", "security forces"], ["perpetrators", "perpetrators"],
      ["unknown", "unknown"]];
    return el("p", { class: "meta" }, el("strong", { text: "Deaths by side (UCDP): " }),
      sides.map(([key, label]) => `${label} ${orDash(deaths[key])}`).join(" · "),
      ` — best ${deaths.best}, low ${orDash(deaths.low)}, high ${orDash(deaths.high)}`);
  }

  function countHistory(name, count) {
    const body = el("tbody");
    for (const entry of count.history || []) {
      const span = (entry.evidence || [])[0];
      body.append(el("tr", {},
        el("td", { text: entry.published || "undated" }),
        el("td", {}, el("a", { href: articleHref(entry.article), text: entry.article })),
        el("td", { class: "value num" }, figureLink(entry, figure(entry), name)),
        el("td", { class: "num", text: orDash(entry.low) }),
        el("td", { class: "num", text: orDash(entry.high) }),
        el("td", { class: "muted", text: entry.source || "" }),
        el("td", { class: "sentence", text: span ? span.text : "" })));
    }
    const table = el("table", { class: "history" },
      el("thead", {}, el("tr", {}, ...["Published", "Report", "Figure", "Low", "High", "Source", "Sentence"].map(
        (h) => el("th", { text: h })))),
      body);
    return el("div", { class: "count-history", "data-count": name },
      el("h3", { text: `${COUNTS[name]}: best ${orDash(count.best)}, low ${orDash(count.low)}, high ${orDash(count.high)}` }),
      el("div", { class: "count-block" }, historyChart(count.history || []), table));
  }

  function historyChart(history) {
    const width = 260;
    const height = 110;
    const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "figures by report" });
    const values = history.flatMap((h) => [h.value, h.low, h.high]).filter((v) => v !== null && v !== undefined);
    if (!values.length) {
      chart.appendChild(svg("text", { x: 10, y: 55, text: "no number stated" }));
      return chart;
    }
    const top = Math.max(...values);
    const x = (i) => (history.length === 1 ? width / 2 : 24 + (i * (width - 48)) / (history.length - 1));
    const y = (v) => height - 22 - (v / (top || 1)) * (height - 44);
    chart.appendChild(svg("line", { class: "axis", x1: 10, x2: width - 10, y1: height - 22, y2: height - 22 }));
    const points = [];
    history.forEach((h, i) => {
      const low = h.low ?? h.value;
      const high = h.high ?? h.value;
      if (low !== null && high !== null && low !== undefined && high !== undefined && low !== high) {
        chart.appendChild(svg("line", { class: "range", x1: x(i), x2: x(i), y1: y(low), y2: y(high) }));
      }
      if (h.value !== null && h.value !== undefined) points.push([x(i), y(h.value), h]);
      chart.appendChild(svg("text", { x: x(i), y: height - 8, "text-anchor": "middle", text: (h.published || "?").slice(5) }));
    });
    if (points.length > 1) chart.appendChild(svg("polyline", { class: "line", points: points.map((p) => `${p[0]},${p[1]}`).join(" ") }));
    for (const [px, py, h] of points) {
      chart.appendChild(svg("circle", { class: "dot", cx: px, cy: py, r: 3.5 }, svg("title", { text: `${h.article}: ${figure(h)}` })));
      chart.appendChild(svg("text", { class: "value", x: px, y: py - 7, "text-anchor": "middle", text: String(h.value) }));
    }
    return chart;
  }

  function articlesList(articles) {
    const list = el("ul", { class: "articles" });
    for (const article of articles) {
      const reason = article.reason || {};
      const why = reason.founded ? "founded the incident" : `merged, score ${orDash(reason.score)}`;
      list.append(el("li", {},
        el("span", { class: "pill", text: article.main ? "report" : "mention" }),
        el("a", { href: articleHref(article.id), text: article.id }),
        el("span", { class: "muted", text: ` — ${why}` })));
    }
    return list;
  }

  // ------------------------------------------------------------ an article: its text with the evidence highlighted

  async function showArticle(articleId, params) {
    const view = clear($("view-article"));
    view.append(el("p", { class: "muted", text: "Loading…" }));
    const article = await api(`api/articles/${encodeURIComponent(articleId)}`);
    const focus = focusSpan(params, article);
    clear(view);
    document.title = `sitrep: ${article.title || article.id}`;
    append(view, [
      el("a", { class: "back", href: "#/", text: "← all incidents" }),
      el("h1", { text: article.title || article.id }),
      articleMeta(article),
      article.error ? el("p", { class: "error-note", text: `No incident read: ${article.error}` }) : null,
      el("div", { class: "article-layout" },
        articleText(article, focus),
        evidenceList(article, focus)),
    ]);
    const mark = view.querySelector("mark.evidence-focus");
    if (mark) mark.scrollIntoView({ block: "center" });
    else window.scrollTo(0, 0);
    const current = view.querySelector(".evidence-list li.current");
    if (current) current.parentElement.parentElement.scrollTop = current.offsetTop - 60;
  }

  function focusSpan(params, article) {
    const start = Number.parseInt(params.get("start"), 10);
    const end = Number.parseInt(params.get("end"), 10);
    const length = Array.from(article.text).length;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > length) return null;
    return { start, end, field: params.get("field") };
  }

  function articleMeta(article) {
    const link = /^https?:\/\//i.test(article.url || "")
      ? el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank", text: article.url })
      : null;
    return el("p", { class: "meta" },
      el("span", { class: "pill", text: `published ${article.published || "unknown"}` }),
      el("span", { class: "pill", text: `read ${article.fetched}` }),
      el("span", { class: "pill", text: article.id }),
      link,
      article.incidents.length ? el("span", {}, " · incidents: ",
        article.incidents.map((id, i) => [i ? ", " : "", el("a", { href: `#/incident/${encodeURIComponent(id)}`, text: id })])) : null);
  }

  // Offsets count Unicode code points (Python's str), so the text is cut as an array of code points.
  function articleText(article, focus) {
    const chars = Array.from(article.text);
    const spans = article.evidence.filter((s) => s.end > s.start && s.end <= chars.length && s.field !== "event");
    const cuts = new Set([0, chars.length]);
    for (const s of spans) cuts.add(s.start).add(s.end);
    if (focus) cuts.add(focus.start).add(focus.end);
    const points = [...cuts].sort((a, b) => a - b);
    const box = el("div", { id: "article-text", class: "article-text" });
    let mark = null;
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const inFocus = focus && a >= focus.start && b <= focus.end;
      const piece = segment(chars.slice(a, b).join(""), spans.filter((s) => s.start <= a && s.end >= b),
        inFocus ? focus.field : null);
      if (inFocus && !mark) {
        mark = el("mark", { class: "evidence-focus", id: "evidence-focus" });
        box.appendChild(mark);
      }
      (inFocus ? mark : box).appendChild(piece);
    }
    return box;
  }

  // A piece of the text, marked with the fields whose evidence covers it; inside the focused sentence, the words
  // of the figure that was followed (`field`) stand out.
  function segment(text, covering, field) {
    if (!covering.length) return document.createTextNode(text);
    const fields = [...new Set(covering.map((s) => s.field))];
    const words = field && covering.some((s) => s.field === field && s.end - s.start < 60);
    return el("span", {
      class: ["ev", ...fields.map((f) => `ev-${f.replace(/[^a-z0-9_]/gi, "")}`), words ? "figure-words" : ""].join(" ").trim(),
      title: covering.map((s) => `${s.field}: ${s.rule}`).join("\n"), text,
    });
  }

  function evidenceList(article, focus) {
    const list = el("ul");
    for (const span of article.evidence) {
      const current = focus && span.start === focus.start && span.end === focus.end;
      list.append(el("li", { class: current ? "current" : null },
        el("span", { class: "field", text: span.field }), " ",
        el("span", { class: "rule", text: span.rule }), el("br"),
        el("a", { href: articleHref(article.id, span), text: span.text.length > 140 ? `${span.text.slice(0, 140)}…` : span.text })));
    }
    return el("aside", { class: "evidence-list" },
      el("h3", { text: `Evidence read from this article (${article.evidence.length})` }),
      article.evidence.length ? list : el("p", { class: "muted", text: "none" }));
  }

  // ------------------------------------------------------------ start

  function start() {
    const select = $("filters").elements.type;
    for (const [type, [label]] of Object.entries(TYPES)) select.append(el("option", { value: type, text: label }));
    $("filters").addEventListener("submit", submitFilters);
    $("clear-filters").addEventListener("click", () => { location.hash = "#/"; });
    window.addEventListener("hashchange", route);
    window.addEventListener("resize", () => { if (!$("view-overview").hidden && lastItems) drawTimeline(lastItems); });
    route();
  }

  start();
})();
