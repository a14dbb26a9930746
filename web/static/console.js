// The announcement form's live recipient count: asks /thong-bao/dem as the filters change.
// The page works without it (the count is shown again at the preview step).
(function () {
  var form = document.getElementById("compose");
  var out = document.getElementById("recipients");
  if (!form || !out) { return; }
  var timer = null;
  function refresh() {
    var query = new URLSearchParams();
    ["xa_phuong", "nhom", "sao", "het_han_trong"].forEach(function (name) {
      query.set(name, form.elements[name].value);
    });
    fetch("/thong-bao/dem?" + query.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        out.textContent = "Sẽ gửi tới " + data.recipients.toLocaleString("vi-VN") + " người (" + data.describe + ").";
        out.dataset.recipients = data.recipients;
      })
      .catch(function () { out.textContent = "Chưa đếm được số người nhận; bấm Xem trước để xem."; });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  form.addEventListener("change", refresh);
  refresh();
})();
