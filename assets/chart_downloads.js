// Chart downloads, in the browser: the figure on screen (what the user sees) is the one saved.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  charts: {
    // Plotly may hold numbers as typed arrays; JSON needs plain arrays. Plotly's private keys start with "_".
    plain: function (value) {
      if (ArrayBuffer.isView(value)) { return Array.from(value); }
      if (Array.isArray(value)) { return value.map(window.dash_clientside.charts.plain); }
      if (value && typeof value === "object") {
        var out = {};
        Object.keys(value).forEach(function (key) {
          if (key.charAt(0) !== "_") { out[key] = window.dash_clientside.charts.plain(value[key]); }
        });
        return out;
      }
      return value;
    },
    download: function (clicks, summary) {
      var triggered = window.dash_clientside.callback_context.triggered;
      if (!triggered.length || !triggered[0].value) { return window.dash_clientside.no_update; }
      var id = JSON.parse(triggered[0].prop_id.split(".")[0]);
      var holder = document.getElementById(id.graph);
      var gd = holder && (holder.classList.contains("js-plotly-plot") ? holder : holder.querySelector(".js-plotly-plot"));
      if (!gd) { return window.dash_clientside.no_update; }
      var filters = (summary || "").replace(/^Showing:\s*/, "").toLowerCase()
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
      var name = ["influencer-roi", id.graph, filters, new Date().toISOString().slice(0, 10)]
        .filter(Boolean).join("_");
      if (id.fmt === "png") {
        window.Plotly.downloadImage(gd, {format: "png", filename: name, width: 1200, height: 600});
        return window.dash_clientside.no_update;
      }
      var plain = window.dash_clientside.charts.plain;
      return {name: name, figure: {data: plain(gd.data), layout: plain(gd.layout)}};
    }
  }
});
