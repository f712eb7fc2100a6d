// The account centre (账户中心): who is logged in, the yuan account (元账户)
// and its study cards, orders and invoices, the discount claim, contact
// details and the password. Uses what app.js shares (window.ticedu).
(function () {
  "use strict";
  var t = window.ticedu;
  var forms = t.forms;
  if (!t) return;
  var api = t.api, say = t.say, text = t.text, value = t.value, yuan = t.yuan, zh = t.zh;

  // An invoice for the ticked orders: a person by name, or a company with its
  // credit code; paper goes by courier to a named recipient (R15).
  function invoiceRequest(root, form, refresh) {
    // Outside the form: it says what happened after the last order is invoiced and the form goes.
    var status = root.querySelector(".invoice-result .status");
    function showFields() {
      form.querySelector(".company-only").hidden = form.elements.buyer_kind.value !== "company";
      var paper = form.elements.delivery.value === "paper";
      form.querySelector(".paper-only").hidden = !paper;
      ["recipient", "phone", "address"].forEach(function (name) { form.elements[name].required = paper; });
      form.elements.taxpayer_id.required = form.elements.buyer_kind.value === "company";
    }
    form.elements.buyer_kind.addEventListener("change", showFields);
    form.elements.delivery.addEventListener("change", showFields);
    showFields();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var orders = Array.prototype.map.call(root.querySelectorAll(".orders input[name=order]:checked"), function (tick) { return tick.value; });
      if (!forms.check(form)) return;
      if (!orders.length) { say(status, text("请先在上方勾选要开票的订单。", "Tick the orders to invoice above first."), false); return; }
      var body = { orders: orders, buyer_name: value(form, "buyer_name"), email: value(form, "email") };
      if (form.elements.buyer_kind.value === "company") body.taxpayer_id = value(form, "taxpayer_id");
      body.delivery = form.elements.delivery.value === "paper"
        ? { kind: "paper", recipient: value(form, "recipient"), phone: value(form, "phone"), address: value(form, "address") }
        : { kind: "electronic" };
      api("POST", "/payments/invoices", body).then(function (answer) {
        forms.clear(form);
        say(status, text("发票申请已提交（" + yuan(answer.amount_fen) + "），协会开具后发送。", "Invoice requested (" + yuan(answer.amount_fen) + "); the association sends it once issued."), true);
        refresh();
      }).catch(function (error) {
        // Refusals of a field go beside it; of the orders (none left to invoice), to the line under the form.
        if (error.fields && error.fields.length) forms.showErrors(form, error); else say(status, error.message, false);
      });
    });
  }

  function orders(root, refresh) {
    var list = root.querySelector(".orders");
    var invoiceForm = root.querySelector("form.invoice");
    var opener = root.querySelector("button.open-invoice");
    return function () {
      api("GET", "/payments/orders").then(function (answer) {
        list.innerHTML = "";
        var invoiceable = 0;
        if (!answer.orders.length) {
          var none = document.createElement("li");
          none.textContent = text("还没有订单。", "No orders yet.");
          list.appendChild(none);
        }
        answer.orders.forEach(function (order) {
          var item = document.createElement("li");
          var line = order.created_at.slice(0, 10) + " · " + order.order_no + " · " + yuan(order.total_fen) + " · " + order.hours.length + text(" 学时", " hours") + " · " + t.orderState(order) + (order.refunded_fen > 0 ? text(" · 已退款 ", " · refunded ") + yuan(order.refunded_fen) : "") + (order.invoiced ? text(" · 已申请发票", " · invoice requested") : "");
          // Paid, not invoiced, and not free: the orders an invoice may cover.
          if (order.paid && !order.invoiced && order.total_fen > 0) {
            invoiceable += 1;
            var label = document.createElement("label");
            var tick = document.createElement("input");
            tick.type = "checkbox";
            tick.name = "order";
            tick.value = order.order_no;
            label.appendChild(tick);
            label.appendChild(document.createTextNode(line));
            item.appendChild(label);
          } else {
            item.textContent = line;
          }
          // An unpaid WeChat Pay order holds its hours: cancelling frees them at once.
          if (order.status === "pending") {
            var cancel = document.createElement("button");
            cancel.type = "button";
            cancel.className = "cancel-order";
            cancel.textContent = text("取消订单", "Cancel order");
            cancel.addEventListener("click", function () {
              cancel.disabled = true;
              api("POST", "/payments/orders/" + encodeURIComponent(order.order_no) + "/cancel")
                .then(refresh)
                .catch(function (error) { cancel.disabled = false; item.appendChild(document.createTextNode(" " + error.message)); });
            });
            item.appendChild(document.createTextNode(" "));
            item.appendChild(cancel);
          }
          list.appendChild(item);
        });
        // "登录后点'开具发票'": the button opens the form once there is something to invoice.
        opener.hidden = invoiceable === 0;
        if (invoiceable === 0) invoiceForm.hidden = true;
      });
    };
  }

  function claimForm(claim) {
    var claimStatus = claim.querySelector(".claim-status");
    var CLAIM = { filed: ["已提交，等待协会核对。", "Filed; the association is checking it."], accepted: ["已通过。", "Approved."], rejected: ["未通过：", "Declined: "] };
    function show() {
      api("GET", "/accounts/returning-claim").then(function (c) {
        var said = CLAIM[c.status] || [c.status, c.status];
        claimStatus.textContent = (zh ? said[0] : said[1]) + (c.reason || "");
      }).catch(function () {});
    }
    claim.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!forms.check(claim)) return;
      api("POST", "/accounts/returning-claim", { certificate_no: value(claim, "certificate_no"), expires_on: value(claim, "expires_on") })
        .then(function () { forms.clear(claim); show(); })
        .catch(function (error) { forms.showErrors(claim, error); });
    });
    return show;
  }

  function contactForm(form, me) {
    form.elements.phone.value = me.phone || "";
    form.elements.email.value = me.email || "";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector(".status");
      if (!forms.check(form)) return;
      api("POST", "/accounts/contact", { phone: value(form, "phone"), email: value(form, "email"), current_password: form.elements.current_password.value })
        .then(function (now) {
          form.elements.current_password.value = "";
          forms.clear(form);
          say(status, text("联系方式已更新：", "Contact details saved: ") + [now.phone, now.email].filter(Boolean).join(" · "), true);
        })
        .catch(function (error) { forms.showErrors(form, error); });
    });
  }

  function passwordForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector(".status");
      if (!forms.check(form)) return;
      api("POST", "/accounts/password", { current_password: form.elements.current_password.value, new_password: form.elements.new_password.value })
        .then(function () {
          form.reset();
          forms.clear(form);
          say(status, text("密码已修改。其他设备上的登录已全部退出。", "Password changed. You are logged out everywhere else."), true);
        })
        .catch(function (error) { forms.showErrors(form, error); });
    });
  }

  function account(root) {
    var who = root.querySelector(".who-am-i");
    if (!t.token()) {
      var link = document.createElement("a");
      link.href = t.prefix + "/login/";
      link.textContent = text("请先登录。", "Please log in first.");
      who.appendChild(link);
      return;
    }
    var balance = root.querySelector(".balance");
    var claim = root.querySelector("form.claim");
    var showClaim = claimForm(claim);
    var showOrders;
    function refresh() {
      return api("GET", "/accounts/me").then(function (me) {
        who.textContent = text("当前登录：", "Logged in: ") + me.name_masked + text("（用户名 ", " (username ") + me.username + text("）", ")");
        balance.textContent = text("余额：", "Balance: ") + yuan(me.balance_fen);
        if (me.returning) {
          claim.querySelector(".claim-status").textContent = text("您已享有学习优惠（必修课免费）。", "You have the returning learner's discount (mandatory hours free).");
          claim.querySelector(".claim-fields").hidden = true;
        } else {
          showClaim();
        }
        showOrders();
        return me;
      }).catch(function (error) { who.textContent = error.message; });
    }
    showOrders = orders(root, refresh);
    root.querySelectorAll("section[hidden]").forEach(function (section) { section.hidden = false; });
    root.querySelector("button.logout").addEventListener("click", t.logOut);
    var redeem = root.querySelector("form.redeem");
    redeem.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = redeem.querySelector(".status");
      if (!forms.check(redeem)) return;
      api("POST", "/payments/cards/redeem", { code: value(redeem, "code") }).then(function (answer) {
        forms.clear(redeem);
        say(status, text("已充值 ", "Credited ") + yuan(answer.credited_fen), true);
        redeem.elements.code.value = "";
        refresh();
      }).catch(function (error) { forms.showErrors(redeem, error); });
    });
    var invoiceForm = root.querySelector("form.invoice");
    invoiceRequest(root, invoiceForm, refresh);
    root.querySelector("button.open-invoice").addEventListener("click", function () {
      invoiceForm.hidden = false;
      invoiceForm.querySelector("select, input").focus();
    });
    passwordForm(root.querySelector("form.password"));
    refresh().then(function (me) { if (me) contactForm(root.querySelector("form.contact"), me); });
  }

  document.querySelectorAll("[data-app=account]").forEach(account);
})();
