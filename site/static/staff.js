// ticedu staff console (协会工作台): vanilla, no framework. Each page of
// /staff/ names its screen in `data-console`; this script logs in, shows
// what the staff member's roles allow and talks to /api/staff/…. Nothing
// from the API is ever inserted as HTML: text goes in with textContent.
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var prefix = zh ? "" : "/en";
  var TOKEN = "ticedu.staff.token";
  var root = document.querySelector("[data-console]");
  if (!root) return;
  var screen = root.getAttribute("data-console");
  var status = root.querySelector(".status");

  function t(zhText, enText) { return zh ? zhText : enText; }
  function token() { return sessionStorage.getItem(TOKEN); }

  // Forms that help, as the learners' pages have them (forms.js, loaded
  // first): before any screen's own handler, an empty required or malformed
  // field stops the submit and is marked beside itself; the API's field
  // problems go beside their fields in the form that was sent last.
  var forms = window.ticeduForms;
  var sentForm = null;
  document.addEventListener("submit", function (event) {
    sentForm = event.target;
    if (forms && !forms.check(event.target)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  function home() { return prefix + "/staff/"; }

  function say(message, ok) {
    status.textContent = message;
    status.className = "status " + (ok ? "ok" : "bad");
  }
  function quiet() { status.textContent = ""; status.className = "status"; }
  // A refusal of the whole screen (403: not this account's role) leaves only the message.
  function fail(error) {
    say(error.message, false);
    if (forms && error.fields && error.fields.length && sentForm && document.contains(sentForm)) forms.showErrors(sentForm, error);
    if (error.status === 403 && screen !== "home") {
      root.querySelectorAll("form, section, article").forEach(hide);
    }
  }

  // An element with attributes and children (strings become text nodes).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var v = attrs[name];
      if (v === undefined || v === null || v === false) return;
      if (name === "text") node.textContent = v;
      else if (name === "onclick") node.addEventListener("click", v);
      else if (name === "onsubmit") node.addEventListener("submit", v);
      else node.setAttribute(name, v === true ? "" : v);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function show(node) { if (node) node.hidden = false; return node; }
  function hide(node) { if (node) node.hidden = true; return node; }
  function $(css) { return root.querySelector(css); }

  // Every API error is {code, message (中文), message_en}; 401 ends the session.
  function api(method, path, body, options) {
    options = options || {};
    var headers = { "Accept": options.accept || "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var bearer = options.anonymous ? null : (options.token || token());
    if (bearer) headers["Authorization"] = "Bearer " + bearer;
    return fetch("/api" + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.ok && options.raw) return response;
        if (response.status === 204) return null;
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) return data;
          var message = zh ? (data.message || "请求失败（" + response.status + "）") : (data.message_en || "Request failed (" + response.status + ")");
          if (response.status === 429) {
            var wait = response.headers.get("Retry-After");
            if (wait) message += t("（" + wait + " 秒后再试）", " (try again in " + wait + " s)");
          }
          var error = new Error(message);
          error.code = data.code || String(response.status);
          error.status = response.status;
          error.body = data;
          error.fields = data.fields || [];
          if (response.status === 401 && !options.login) expired();
          throw error;
        });
      });
  }

  // The session ended (or never began): back to the log-in, saying why.
  function expired() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.setItem("ticedu.staff.expired", "1");
    if (screen === "home") { showLogin(); say(t("登录已失效，请重新登录。", "Your session ended; please log in again."), false); }
    else location.replace(home());
  }

  // Formatting ------------------------------------------------------------
  function yuan(fen) { return "¥" + (Number(fen) / 100).toFixed(2); }
  function when(text) {
    if (!text) return "";
    var date = new Date(text);
    if (isNaN(date.getTime())) return String(text);
    try {
      return date.toLocaleString(zh ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
    } catch (e) { return String(text); }
  }
  var WORDS = {
    holder: ["持证人员", "Certificate holder"], new: ["新学员", "New learner"], titled: ["职称人员", "Titled professional"],
    level_examination: ["水平考试合格证", "Level examination certificate"], qualification: ["资格证", "Qualification certificate"],
    pending: ["待核对", "Waiting for a check"], confirmed: ["已核对", "Confirmed"], rejected: ["已驳回", "Rejected"],
    filed: ["待审核", "Filed"], accepted: ["已通过", "Accepted"], valid: ["有效", "Valid"], revoked: ["已撤销", "Revoked"],
    issued: ["未使用", "Unused"], redeemed: ["已充值", "Redeemed"], voided: ["已作废", "Void"],
    requested: ["待开具", "Requested"], electronic: ["电子发票", "Electronic"],
    balance: ["余额", "Balance"], we_chat_pay: ["微信支付", "WeChat Pay"], study_card: ["学习卡", "Study card"],
    operator: ["业务", "Operator"], finance: ["财务", "Finance"], administrator: ["管理员", "Administrator"],
    settings: ["收费与批次", "Settings"], calendar: ["工作日历", "Calendar"],
    mandatory: ["必修课", "Mandatory"], elective: ["选修课", "Elective"], certification: ["认证课程", "Certification"]
  };
  function word(key) { var w = WORDS[key]; return w ? (zh ? w[0] : w[1]) : String(key); }
  var FIELDS = {
    category: ["类别", "Kind"], certificate_kind: ["证书类别", "Certificate kind"], original_certificate_no: ["原证书编号", "Certificate number"],
    expires_on: ["到期日", "Expires on"], learning_started_on: ["开始学习日期", "Learning started"], title_kind: ["职称", "Title"],
    issuing_authority: ["颁证机关", "Issuing authority"], title_certificate_no: ["职称证书编号", "Title certificate number"],
    employer: ["工作单位", "Employer"], position: ["职务", "Position"], education: ["学历", "Education"], phone: ["电话", "Phone"],
    note: ["备注", "Note"], filed_at: ["提交时间", "Filed"], status: ["状态", "Status"], cycle: ["周期", "Cycle"], overdue: ["超期", "Overdue"],
    decision: ["处理", "Decision"], by: ["经办", "By"], at: ["时间", "At"], reason: ["原因", "Reason"], form: ["申请表", "Form"],
    details: ["证书信息", "Certificate"], email: ["邮箱", "Email"], name: ["姓名", "Name"], display_name: ["显示名称", "Display name"],
    roles: ["角色", "Roles"], disabled: ["停用", "Disabled"], password: ["密码", "Password"], totp: ["验证器", "Authenticator"],
    returning: ["学习优惠", "Returning discount"], certificate_no: ["证书编号", "Certificate number"], username: ["用户名", "Username"],
    id_number: ["身份证号码", "ID number"], kind: ["类别", "Kind"]
  };
  function field(key) { var f = FIELDS[key]; return f ? (zh ? f[0] : f[1]) : key; }
  function yes(flag) { return flag ? t("是", "yes") : t("否", "no"); }

  // A definition list of [label, value] pairs; nested objects become nested lists.
  function facts(pairs) {
    var list = el("dl", { "class": "facts-list" });
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") return;
      list.appendChild(el("dt", { text: pair[0] }));
      list.appendChild(el("dd", {}, [pair[1] instanceof Node ? pair[1] : String(pair[1])]));
    });
    return list;
  }
  function objectFacts(object) {
    return facts(Object.keys(object || {}).map(function (key) {
      var v = object[key];
      if (v && typeof v === "object") return [field(key), objectFacts(v)];
      if (typeof v === "boolean") v = yes(v);
      else if (key === "category" || key === "certificate_kind" || key === "status") v = word(v);
      else if (/_at$/.test(key)) v = when(v);
      return [field(key), v];
    }));
  }
  function kindText(kind) {
    if (!kind) return "";
    var parts = [word(kind.category)];
    if (kind.category === "holder") parts.push(word(kind.certificate_kind) + " " + kind.original_certificate_no, t("到期 ", "expires ") + kind.expires_on);
    if (kind.category === "new") parts.push(t("开始学习 ", "started ") + kind.learning_started_on);
    if (kind.category === "titled") parts.push(kind.title_kind + " · " + kind.issuing_authority + " · " + kind.title_certificate_no);
    return parts.join(" · ");
  }
  function progressText(p) {
    if (!p) return "";
    return t("第 " + p.cycle + " 周期（" + p.cycle_start + " 至 " + p.cycle_end + "）已计入 " + p.counted_hours + " / " + p.required_hours + " 学时",
             "Cycle " + p.cycle + " (" + p.cycle_start + " to " + p.cycle_end + "): " + p.counted_hours + " of " + p.required_hours + " hours counted") +
      (p.complete ? t("，已学满", "; complete") : "");
  }
  function learnerLink(id, label) {
    return el("a", { href: prefix + "/staff/learners/?learner=" + encodeURIComponent(id), text: label || id });
  }
  function value(form, name) { var f = form.elements[name]; return f ? f.value.trim() : ""; }
  function busy(button, promise) {
    if (button) button.disabled = true;
    return promise.then(function (v) { if (button) button.disabled = false; return v; }, function (e) { if (button) button.disabled = false; throw e; });
  }

  // Session, navigation --------------------------------------------------
  var me = null;
  function has(role) { return !!me && me.roles.indexOf(role) >= 0; }
  function showNav() {
    document.querySelectorAll(".console-nav [data-role]").forEach(function (link) {
      var role = link.getAttribute("data-role");
      link.hidden = !(me && (role === "all" || has(role)));
    });
    var logout = document.querySelector(".console-nav .logout");
    if (logout) logout.hidden = !me;
    var who = $(".whoami");
    if (me) {
      who.textContent = t("当前登录：", "Logged in as ") + me.display_name + "（" + me.name + "）· " + me.roles.map(word).join(t("、", ", "));
      show(who);
    } else hide(who);
  }
  function loadMe() {
    return api("GET", "/staff/me").then(function (answer) { me = answer; showNav(); return me; });
  }
  var logoutButton = document.querySelector(".console-nav .logout");
  if (logoutButton) logoutButton.addEventListener("click", function () {
    sessionStorage.removeItem(TOKEN);
    me = null;
    location.href = home();
  });
  // Log in ------------------------------------------------------------------
  function showLogin() {
    me = null;
    showNav();
    ["form.enrol", ".recovery", ".dashboard", ".mine"].forEach(function (css) { hide($(css)); });
    var form = show($("form.login"));
    form.elements.name.focus();
  }
  function loggedIn(answer) {
    sessionStorage.setItem(TOKEN, answer.access_token);
    me = answer.staff || null;
    showNav();
    if (answer.recovery_codes && answer.recovery_codes.length) return showRecovery(answer.recovery_codes);
    say(t("登录成功。", "Logged in."), true);
    var shown = showDashboard();
    $("#dashboard-heading").focus();
    return shown;
  }
  function loginScreen() {
    var form = $("form.login");
    var codeField = form.querySelector(".code-field");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { name: value(form, "name"), password: form.elements.password.value };
      var code = value(form, "code").replace(/\s+/g, "");
      if (code) body.code = code;
      quiet();
      busy(form.querySelector("button[type=submit]"), api("POST", "/staff/login", body, { login: true, anonymous: true }))
        .then(function (answer) {
          form.elements.password.value = "";
          form.elements.code.value = "";
          if (answer.status === "enrol") return showEnrolment(answer);
          return loggedIn(answer);
        })
        .catch(function (error) {
          if (error.code === "staff.code_required") {
            show(codeField);
            form.elements.code.focus();
            say(t("请输入身份验证器中的 6 位验证码。", "Enter the 6-digit code from your authenticator app."), false);
            return;
          }
          fail(error);
          if (error.code === "staff.code_invalid" || error.code === "auth.invalid_credentials") {
            if (!codeField.hidden) form.elements.code.select();
          }
        });
    });
    var enrol = $("form.enrol");
    enrol.addEventListener("submit", function (event) {
      event.preventDefault();
      quiet();
      busy(enrol.querySelector("button[type=submit]"),
        api("POST", "/staff/login/enrolment", { code: value(enrol, "code").replace(/\s+/g, "") }, { login: true, token: enrol.getAttribute("data-token") }))
        .then(function (answer) {
          enrol.removeAttribute("data-token");
          enrol.elements.code.value = "";
          hide(enrol);
          return loggedIn(answer);
        })
        .catch(function (error) {
          fail(error);
          // An expired enrolment (token, or no longer waiting) starts again from the password.
          if (/^auth\.(token_expired|invalid_token|missing_token)$/.test(error.code) || error.code === "staff.not_enrolling") { hide(enrol); show(form); }
        });
    });
    $(".recovery .saved").addEventListener("click", function () { clear($(".recovery .codes")); hide($(".recovery")); showDashboard(); });
    $(".recovery .print").addEventListener("click", function () { window.print(); });
    $(".mine .renew").addEventListener("click", function (event) {
      if (!window.confirm(t("生成新的恢复码？旧的恢复码将全部失效。", "Make new recovery codes? The old ones stop working."))) return;
      busy(event.currentTarget, api("POST", "/staff/me/recovery-codes", {})).then(function (answer) {
        hide($(".dashboard"));
        hide($(".mine"));
        showRecovery(answer.recovery_codes);
        say(t("已生成新的恢复码，旧的已失效。请保存下面的恢复码。", "New recovery codes made; the old ones no longer work. Keep the codes below."), true);
      }).catch(fail);
    });
  }
  function showEnrolment(answer) {
    hide($("form.login"));
    var enrol = show($("form.enrol"));
    enrol.setAttribute("data-token", answer.enrolment_token);
    // An SVG document as an image: it can run no script in our page.
    var svg = answer.qr_svg || "";
    enrol.querySelector(".qr").src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
    enrol.querySelector(".secret").textContent = (answer.secret || "").replace(/(.{4})/g, "$1 ").trim();
    say(t("密码正确。请设置身份验证器后完成登录。", "Password accepted. Set up your authenticator app to finish logging in."), true);
    enrol.elements.code.focus();
  }
  function showRecovery(codes) {
    var list = clear($(".recovery .codes"));
    codes.forEach(function (code) { list.appendChild(el("li", {}, [el("code", { text: code })])); });
    show($(".recovery"));
    say(t("验证器已设置，登录成功。请保存下面的恢复码。", "Authenticator set up; you are logged in. Keep the recovery codes below."), true);
    $("#recovery-heading").focus();
  }
  function showDashboard() {
    hide($("form.login"));
    hide($("form.enrol"));
    var board = show($(".dashboard"));
    show($(".mine"));
    return loadMe().then(function () {
      var tiles = clear(board.querySelector(".counts"));
      var links = {
        title_checks: ["queues/#queue-title_checks", "待核对职称", "Titles to check", "operator"],
        applications: ["queues/#queue-applications", "新学员证书申请", "Applications", "operator"],
        overdue_renewals: ["queues/#queue-overdue_renewals", "超期换证", "Overdue renewals", "operator"],
        returning_claims: ["queues/#queue-returning_claims", "学习优惠申请", "Discount claims", "operator"],
        invoices: ["invoices/", "待开发票", "Invoices to issue", "finance"]
      };
      return api("GET", "/staff/queues").then(function (counts) {
        Object.keys(links).forEach(function (key) {
          if (counts[key] === undefined) return;
          var link = links[key];
          var label = [el("span", { "class": "number", text: String(counts[key]) }), el("span", { text: zh ? link[1] : link[2] })];
          tiles.appendChild(el("li", { "class": "tile", "data-queue": key }, [has(link[3]) ? el("a", { href: home() + link[0] }, label) : el("span", {}, label)]));
        });
        if (!tiles.children.length) tiles.appendChild(el("li", { "class": "muted", text: t("没有待处理事项。", "Nothing waits.") }));
      });
    }).catch(fail);
  }

  // Find a learner ----------------------------------------------------------
  // By username, certificate, order or id: one learner's file. By name,
  // phone or e-mail: a list of matches to choose from. Either way the query
  // travels in a POST body, never in a URL (it is personal data).
  var LOOKUPS = { name: true, phone: true, email: true };
  function findForm(form, onFound) {
    var matches = form.querySelector(".matches");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var by = value(form, "by");
      var query = {};
      query[by] = value(form, "q");
      quiet();
      clear(matches);
      if (!query[by]) { say(t("请填写查找内容。", "Say what to search for."), false); form.elements.q.focus(); return; }
      var button = form.querySelector("button[type=submit]");
      if (!LOOKUPS[by]) { busy(button, api("POST", "/staff/learners/search", query)).then(onFound).catch(fail); return; }
      busy(button, api("POST", "/staff/learners/lookup", query)).then(function (answer) {
        if (!answer.matches.length) { say(t("没有找到匹配的学员。", "No learner matches."), false); return; }
        var list = el("ul", { "class": "list match-list" });
        answer.matches.forEach(function (match) {
          list.appendChild(el("li", {}, [
            learnerLink(match.learner_id, match.name + "（" + match.username + "）"),
            " · " + word(match.category) + (match.phone ? " · " + match.phone : "") + " · " + t("注册于 ", "registered ") + when(match.registered_at)
          ]));
        });
        matches.appendChild(el("p", { text: t("找到 " + answer.matches.length + " 位学员" + (answer.more ? "（仅列出前 " + answer.matches.length + " 位，请缩小范围）" : "") + "：", answer.matches.length + " learners match" + (answer.more ? " (only the first " + answer.matches.length + " are listed; narrow the search)" : "") + ":") }));
        matches.appendChild(list);
      }).catch(fail);
    });
  }
  function learnersScreen() {
    var form = show($("form.find"));
    findForm(form, function (file) {
      history.replaceState(null, "", "?learner=" + encodeURIComponent(file.learner_id));
      showLearner(file);
    });
    var id = new URLSearchParams(location.search).get("learner");
    if (id) api("POST", "/staff/learners/search", { learner: id }).then(showLearner).catch(fail);
    else form.elements.q.focus();
  }
  function showLearner(file) {
    var box = clear(show($("article.learner")));
    var idNumber = el("span", { "class": "id-number", text: file.id_number });
    var idCell = el("span", {}, [idNumber]);
    if (has("operator")) {
      idCell.appendChild(document.createTextNode(" "));
      idCell.appendChild(el("button", { type: "button", "class": "secondary small reveal", text: t("显示完整号码", "Show ID number"), onclick: function (event) {
        var button = event.currentTarget;
        busy(button, api("POST", "/staff/learners/" + encodeURIComponent(file.learner_id) + "/id-number", {})).then(function (answer) {
          idNumber.textContent = answer.id_number;
          button.remove();
          say(t("已显示身份证号码（此次查看已记录）。", "ID number shown (this view is recorded)."), true);
          loadTrail(file.learner_id);
        }).catch(fail);
      } }));
    }
    box.appendChild(el("h2", { tabindex: "-1", text: file.name + " · " + word(file.kind && file.kind.category) }));
    box.appendChild(facts([
      [field("username"), file.username],
      [t("学员编号", "Learner id"), file.learner_id],
      [field("id_number"), idCell],
      [field("kind"), kindText(file.kind)],
      [t("职称核对", "Title check"), file.title_check ? word(file.title_check) : null],
      [field("phone"), file.phone],
      [field("email"), file.email],
      [t("注册时间", "Registered"), when(file.registered_at)],
      [t("余额", "Balance"), yuan(file.balance_fen)],
      [field("returning"), file.returning ? t("已开通（必修课免费）", "granted (mandatory hours free)") : t("未开通", "not granted")],
      [t("学习进度", "Progress"), progressText(file.progress)],
      [t("下一步", "Next step"), file.next_step ? (zh ? file.next_step.message : file.next_step.message_en) : null]
    ]));
    if (has("operator") && !file.returning) {
      box.appendChild(el("p", {}, [el("button", { type: "button", "class": "grant", text: t("开通学习优惠（必修课免费）", "Grant the returning discount"), onclick: function (event) {
        busy(event.currentTarget, api("POST", "/staff/learners/" + encodeURIComponent(file.learner_id) + "/returning", { returning: true }))
          .then(function () { return api("POST", "/staff/learners/search", { learner: file.learner_id }); })
          .then(function (fresh) { showLearner(fresh); say(t("已开通学习优惠。", "Returning discount granted."), true); })
          .catch(fail);
      } })]));
    }
    if (has("operator")) box.appendChild(correctionForm(file));
    box.appendChild(learnedHours(file));
    if (file.renewal) { box.appendChild(el("h3", { text: t("换证登记", "Renewal registration") })); box.appendChild(objectFacts(file.renewal)); }
    if (file.application) { box.appendChild(el("h3", { text: t("证书申请", "Certificate application") })); box.appendChild(objectFacts(file.application)); }

    box.appendChild(el("h3", { text: t("订单", "Orders") }));
    if (!file.orders.length) box.appendChild(el("p", { "class": "muted", text: t("没有订单。", "No orders.") }));
    else box.appendChild(table([t("订单号", "Order"), t("金额", "Amount"), t("方式", "Channel"), t("学时", "Hours"), field("status"), t("下单时间", "Created")],
      file.orders.map(function (order) {
        var paid = order.status && order.status.status === "paid" ? t("已支付", "paid") + " " + when(order.status.at) : t("待支付", "not paid");
        return [order.no, yuan(order.amount), word(order.channel), String((order.hours || []).length), paid, when(order.created_at)];
      })));

    box.appendChild(el("h3", { text: t("证书", "Certificates") }));
    if (!file.certificates.length) box.appendChild(el("p", { "class": "muted", text: t("没有证书。", "No certificates.") }));
    var certificates = el("ul", { "class": "list certificates" });
    file.certificates.forEach(function (certificate) {
      var state = certificate.status || {};
      var item = el("li", {}, [
        el("strong", { text: certificate.no }), " ",
        certificate.cycle_start + " – " + certificate.cycle_end + " · " + certificate.hours + t(" 学时 · 有效期至 ", " hours · valid until ") + certificate.valid_until + " · ",
        el("span", { "class": state.status === "revoked" ? "bad" : "ok", text: word(state.status || "valid") }),
        state.status === "revoked" ? " (" + state.reason + ", " + when(state.at) + ")" : ""
      ]);
      if (has("operator") && state.status !== "revoked") {
        item.appendChild(reissueForm(certificate.no, file.learner_id));
        item.appendChild(revokeForm(certificate.no, file.learner_id));
      }
      certificates.appendChild(item);
    });
    box.appendChild(certificates);

    box.appendChild(el("h3", { text: t("操作记录", "Audit trail") }));
    box.appendChild(el("div", { "class": "learner-trail" }));
    loadTrail(file.learner_id);
    box.querySelector("h2").focus();
  }
  // Seconds count: the time studied is evidence if the association is audited.
  function studied(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return zh ? (h ? h + " 小时 " : "") + m + " 分 " + s + " 秒" : (h ? h + " h " : "") + m + " min " + s + " s";
  }
  // Each hour learned this cycle with the time the server counted for it;
  // marks from before lessons were timed have none, and say so.
  function learnedHours(file) {
    var part = el("section", { "class": "learned-hours" }, [el("h3", { text: t("本周期已学学时", "Hours learned this cycle") })]);
    var hours = file.learned_hours || [];
    if (!hours.length) { part.appendChild(el("p", { "class": "muted", text: t("本周期还没有学过的学时。", "No hour learned this cycle yet.") })); return part; }
    var untimed = hours.filter(function (h) { return h.studied_seconds === null || h.studied_seconds === undefined; }).length;
    part.appendChild(table([t("学时", "Hour"), t("课程类别", "Group"), t("学过日期", "Learned on"), t("学习时长", "Time studied")],
      hours.map(function (h) {
        var timed = h.studied_seconds !== null && h.studied_seconds !== undefined;
        return [h.hour + " " + (zh ? h.title : h.title_en), word(h.group), h.learned_on, timed ? studied(h.studied_seconds) : t("— 未计时", "— not timed")];
      })));
    var total = t("本周期合计学习时长：", "Time studied this cycle in all: ") + studied((file.progress && file.progress.studied_seconds) || 0);
    if (untimed) total += t("（另有 " + untimed + " 学时为计时前学过，未计时）", " (" + untimed + " more hours were learned before lessons were timed)");
    part.appendChild(el("p", { "class": "studied-total", text: total }));
    return part;
  }
  // Corrections: only the fields typed in change; an emptied phone or e-mail is removed.
  function correctionForm(file) {
    var form = el("form", { "class": "correction", novalidate: true }, [
      el("h3", { text: t("更正学员信息", "Correct the learner's details") }),
      el("label", {}, [field("name"), el("input", { name: "name", value: file.name, maxlength: "60", autocomplete: "off" })]),
      el("label", {}, [t("手机号码（留空则删除）", "Mobile number (empty removes it)"), el("input", { name: "phone", type: "tel", value: file.phone || "", maxlength: "20", autocomplete: "off" })]),
      el("label", {}, [t("电子邮箱（留空则删除）", "E-mail (empty removes it)"), el("input", { name: "email", type: "email", value: file.email || "", maxlength: "254", autocomplete: "off" })]),
      el("label", {}, [t("更正原因", "Reason for the correction"), el("input", { name: "reason", maxlength: "60", required: true, autocomplete: "off" })]),
      el("button", { type: "submit", "class": "secondary", text: t("保存更正", "Save the correction") })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { reason: value(form, "reason") };
      ["name", "phone", "email"].forEach(function (name) {
        var typed = form.elements[name].value.trim();
        if (typed !== (file[name] || "")) body[name] = typed;
      });
      busy(form.querySelector("button"), api("POST", "/staff/learners/" + encodeURIComponent(file.learner_id) + "/correction", body))
        .then(function (answer) {
          return api("POST", "/staff/learners/search", { learner: file.learner_id }).then(function (fresh) {
            showLearner(fresh);
            say(answer.username_changed
              ? t("已更正。学员的新用户名：" + answer.username + "（请告知学员）", "Corrected. The learner's new username: " + answer.username + " (tell the learner)")
              : t("已更正。", "Corrected."), true);
          });
        }).catch(fail);
    });
    return form;
  }
  // Reissue: a new number with the learner's current name; the old one is revoked with the reason.
  function reissueForm(no, learnerId) {
    var form = el("form", { "class": "reissue inline", novalidate: true }, [
      el("label", {}, [t("补发原因", "Reason to reissue"), el("input", { name: "reason", maxlength: "60", required: true, autocomplete: "off" })]),
      el("button", { type: "submit", "class": "secondary", text: t("补发证书", "Reissue") })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var reason = value(form, "reason");
      if (!reason) { say(t("请填写补发原因。", "Give the reason for reissuing."), false); form.elements.reason.focus(); return; }
      busy(form.querySelector("button"), api("POST", "/staff/certificates/" + encodeURIComponent(no) + "/reissue", { reason: reason }))
        .then(function (answer) {
          return api("POST", "/staff/learners/search", { learner: learnerId }).then(function (fresh) {
            showLearner(fresh);
            say(t("已补发新证书 " + answer.no + "，原证书 " + no + " 已作废。", "Reissued as " + answer.no + "; " + no + " is revoked."), true);
          });
        }).catch(fail);
    });
    return form;
  }
  function revokeForm(no, learnerId) {
    var form = el("form", { "class": "revoke inline", novalidate: true }, [
      el("label", {}, [t("撤销原因", "Reason to revoke"), el("input", { name: "reason", maxlength: "60", required: true, autocomplete: "off" })]),
      el("button", { type: "submit", "class": "danger", text: t("撤销证书", "Revoke") })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var reason = value(form, "reason");
      if (!reason) { say(t("请填写撤销原因。", "Give the reason for revoking."), false); form.elements.reason.focus(); return; }
      if (!window.confirm(t("确定撤销证书 " + no + "？撤销后公开查询将显示“已撤销”。", "Revoke certificate " + no + "? Its public verification will say revoked."))) return;
      busy(form.querySelector("button"), api("POST", "/staff/certificates/" + encodeURIComponent(no) + "/revoke", { reason: reason }))
        .then(function () { return api("POST", "/staff/learners/search", { learner: learnerId }); })
        .then(function (fresh) { showLearner(fresh); say(t("证书 " + no + " 已撤销。", "Certificate " + no + " revoked."), true); })
        .catch(fail);
    });
    return form;
  }
  function loadTrail(learnerId) {
    var box = $(".learner-trail");
    if (!box) return;
    api("GET", "/staff/learners/" + encodeURIComponent(learnerId) + "/audit").then(function (answer) {
      clear(box);
      if (!answer.entries.length) { box.appendChild(el("p", { "class": "muted", text: t("暂无记录。", "Nothing recorded yet.") })); return; }
      box.appendChild(auditTable(answer.entries, false));
    }).catch(function (error) { clear(box).appendChild(el("p", { "class": "muted", text: error.message })); });
  }

  function table(headings, rows) {
    var body = el("tbody");
    rows.forEach(function (row) { body.appendChild(el("tr", {}, row.map(function (cell) { return el("td", {}, [cell]); }))); });
    return el("table", {}, [el("thead", {}, [el("tr", {}, headings.map(function (h) { return el("th", { scope: "col", text: h }); }))]), body]);
  }

  // Audit trail ---------------------------------------------------------------
  var ACTIONS = {
    staff_logged_in: ["登录", "Logged in"], staff_totp_enrolled: ["设置验证器", "Enrolled authenticator"], staff_recovery_code_used: ["使用恢复码", "Used a recovery code"],
    staff_account_created: ["创建账号", "Created account"], staff_account_changed: ["修改账号", "Changed account"], staff_password_reset: ["重置密码", "Reset password"],
    staff_totp_reset: ["重置验证器", "Reset authenticator"], cards_issued: ["发放学习卡", "Issued study cards"], card_voided: ["作废学习卡", "Voided a study card"],
    returning_set: ["设置学习优惠", "Set returning discount"], returning_claim_decided: ["处理学习优惠申请", "Decided a discount claim"],
    title_check_decided: ["核对职称", "Checked a title"], application_decided: ["处理证书申请", "Decided an application"],
    overdue_renewal_decided: ["处理超期换证", "Decided an overdue renewal"], certificate_revoked: ["撤销证书", "Revoked a certificate"],
    certificate_reissued: ["补发证书", "Reissued a certificate"], invoice_issued: ["开具发票", "Issued an invoice"], order_refunded: ["订单退款", "Refunded an order"], learner_corrected: ["更正学员信息", "Corrected a learner"],
    id_number_revealed: ["查看身份证号码", "Viewed an ID number"], year_saved: ["保存年度设置", "Saved a year"], certificate_imported: ["导入证书", "Imported certificates"],
    missing_payment_applied: ["补记微信支付", "Applied a missing WeChat Pay payment"]
  };
  function actionText(action) { var a = ACTIONS[action]; return a ? (zh ? a[0] : a[1]) : action; }
  function auditRow(entry, withLearner) {
    var learner = entry.learner_id || entry.learner;
    var concerning = el("span");
    if (withLearner && learner) concerning.appendChild(learnerLink(learner, t("学员 ", "learner ") + learner));
    if (entry.subject) { if (concerning.firstChild) concerning.appendChild(document.createTextNode(" · ")); concerning.appendChild(document.createTextNode(entry.subject)); }
    var changes = el("ul", { "class": "changes" });
    (entry.changes || []).forEach(function (change) {
      changes.appendChild(el("li", { text: change.field + ": " + (change.before !== undefined && change.before !== null ? change.before : "—") + " → " + (change.after !== undefined && change.after !== null ? change.after : "—") }));
    });
    if (entry.reason) changes.appendChild(el("li", { text: t("原因：", "Reason: ") + entry.reason }));
    return el("tr", { "data-action": entry.action }, [
      el("td", { "class": "when", text: when(entry.at) }), el("td", { text: entry.by }), el("td", { text: actionText(entry.action) }), el("td", {}, [concerning]), el("td", {}, [changes])
    ]);
  }
  function auditTable(entries, withLearner) {
    var body = el("tbody");
    entries.forEach(function (entry) { body.appendChild(auditRow(entry, withLearner)); });
    return el("table", { "class": "audit" }, [el("thead", {}, [el("tr", {}, [t("时间", "When"), t("工作人员", "By"), t("操作", "Action"), t("对象", "Concerning"), t("变更与原因", "Changes and reason")].map(function (h) { return el("th", { scope: "col", text: h }); }))]), body]);
  }
  function auditScreen() {
    var trail = show($(".trail"));
    var body = trail.querySelector("tbody");
    var older = trail.querySelector(".older");
    var cursor = null;
    function page() {
      var query = "?limit=50" + (cursor ? "&before=" + encodeURIComponent(cursor) : "");
      return busy(older, api("GET", "/staff/audit" + query)).then(function (answer) {
        answer.entries.forEach(function (entry) { body.appendChild(auditRow(entry, true)); });
        cursor = answer.next;
        older.hidden = !cursor;
        if (!body.children.length) say(t("暂无记录。", "Nothing recorded yet."), true);
      }).catch(fail);
    }
    older.addEventListener("click", page);
    page();
  }

  // Queues ----------------------------------------------------------------------
  var QUEUES = {
    title_checks: { path: "/staff/title-checks", list: "learners", title: function (item) { return item.name; },
      details: function (item) { return [[field("kind"), kindText(item.kind)]]; }, titled: true },
    applications: { path: "/staff/applications", list: "applications", title: function (item) { return item.name; },
      details: function (item) { return [[field("cycle"), item.cycle], [field("learning_started_on"), item.learning_started_on], [field("form"), item.form ? objectFacts(item.form) : t("（无申请表）", "(no form)")], [field("note"), item.note], [field("filed_at"), when(item.filed_at)], [t("学时", "Hours"), progressText(item.progress)]]; },
      decide: "/staff/applications/{learner}/decision" },
    overdue_renewals: { path: "/staff/overdue-renewals", list: "renewals", title: function (item) { return item.name; },
      details: function (item) { return [[field("username"), item.username], [field("id_number"), item.id_number], [field("details"), objectFacts(item.certificate)], [field("filed_at"), when(item.filed_at)], [t("学时", "Hours"), progressText(item.progress)]]; },
      decide: "/staff/overdue-renewals/{learner}/decision" },
    returning_claims: { path: "/staff/returning-claims", list: "claims", title: function (item) { return item.name; },
      details: function (item) { return [[field("username"), item.username], [t("以往证书编号", "Earlier certificate"), item.certificate_no], [field("expires_on"), item.expires_on], [field("note"), item.note], [field("filed_at"), when(item.filed_at)]]; },
      decide: "/staff/returning-claims/{learner}/decision" }
  };
  // Each queue a page at a time (50), optionally narrowed to a name.
  var QUEUE_PAGE = 50;
  function queuesScreen() {
    Object.keys(QUEUES).forEach(function (key) {
      var section = root.querySelector("[data-queue=" + key + "]");
      var filter = section.querySelector("form.queue-filter");
      filter.addEventListener("submit", function (event) { event.preventDefault(); QUEUES[key].offset = 0; loadQueue(key); });
      section.querySelector(".pager .older").addEventListener("click", function () { QUEUES[key].offset += QUEUE_PAGE; loadQueue(key); });
      section.querySelector(".pager .newer").addEventListener("click", function () { QUEUES[key].offset = Math.max(0, QUEUES[key].offset - QUEUE_PAGE); loadQueue(key); });
      QUEUES[key].offset = 0;
      loadQueue(key);
    });
  }
  function loadQueue(key) {
    var queue = QUEUES[key];
    var section = show(root.querySelector("[data-queue=" + key + "]"));
    var items = section.querySelector(".items");
    var name = value(section.querySelector("form.queue-filter"), "name");
    var query = "?limit=" + QUEUE_PAGE + "&offset=" + (queue.offset || 0) + (name ? "&name=" + encodeURIComponent(name) : "");
    return api("GET", queue.path + query).then(function (answer) {
      var list = answer[queue.list] || [];
      var total = answer.total === undefined ? list.length : answer.total;
      section.querySelector(".count").textContent = "（" + total + "）";
      clear(items);
      if (!list.length) items.appendChild(el("p", { "class": "muted empty", text: name ? t("没有符合的事项。", "Nothing matches.") : t("没有待处理的事项。", "Nothing waits.") }));
      list.forEach(function (item) { items.appendChild(queueItem(key, queue, item)); });
      var pager = section.querySelector(".pager");
      var offset = queue.offset || 0;
      pager.hidden = total <= QUEUE_PAGE;
      pager.querySelector(".newer").disabled = offset === 0;
      pager.querySelector(".older").disabled = offset + list.length >= total;
      pager.querySelector(".page-text").textContent = list.length
        ? t("第 " + (offset + 1) + "–" + (offset + list.length) + " 项，共 " + total + " 项", "Items " + (offset + 1) + "–" + (offset + list.length) + " of " + total)
        : "";
    }).catch(fail);
  }
  function queueItem(key, queue, item) {
    var headingId = "item-" + key + "-" + item.learner_id;
    var article = el("article", { "class": "item", "data-learner": item.learner_id, "aria-labelledby": headingId }, [
      el("h3", { id: headingId }, [learnerLink(item.learner_id, queue.title(item))]),
      facts(queue.details(item))
    ]);
    var decided = function (message) {
      say(message, true);
      loadQueue(key);
    };
    if (queue.titled) {
      article.appendChild(el("p", { "class": "actions" }, [
        el("button", { type: "button", "class": "approve", "aria-describedby": headingId, text: t("核对无误", "Confirm"), onclick: function (event) {
          busy(event.currentTarget, api("POST", "/staff/title-checks/" + encodeURIComponent(item.learner_id), { decision: "confirmed" }))
            .then(function () { decided(t(item.name + " 的职称已核对。", item.name + "'s title confirmed.")); }).catch(fail);
        } }),
        el("button", { type: "button", "class": "reject danger", "aria-describedby": headingId, text: t("不通过", "Reject"), onclick: function (event) {
          busy(event.currentTarget, api("POST", "/staff/title-checks/" + encodeURIComponent(item.learner_id), { decision: "rejected" }))
            .then(function () { decided(t(item.name + " 的职称未通过核对。", item.name + "'s title rejected.")); }).catch(fail);
        } })
      ]));
      return article;
    }
    var form = el("form", { "class": "decide", novalidate: true }, [
      el("label", {}, [t("驳回原因（学员会看到）", "Reason for a rejection (the learner reads it)"), el("input", { name: "reason", maxlength: "60", autocomplete: "off" })]),
      el("p", { "class": "actions" }, [
        el("button", { type: "submit", "class": "approve", value: "approve", "aria-describedby": headingId, text: t("批准", "Approve") }),
        el("button", { type: "submit", "class": "reject danger", value: "reject", "aria-describedby": headingId, text: t("驳回", "Reject") })
      ])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || form.querySelector("button.approve");
      var approve = button.value === "approve";
      var reason = value(form, "reason");
      if (!approve && !reason) { say(t("驳回时请填写原因，学员会看到它。", "A rejection needs a reason; the learner reads it."), false); form.elements.reason.focus(); return; }
      var body = { approve: approve };
      if (reason) body.reason = reason;
      busy(button, api("POST", queue.decide.replace("{learner}", encodeURIComponent(item.learner_id)), body)).then(function (answer) {
        var done = approve ? t("已批准：", "Approved: ") : t("已驳回：", "Rejected: ");
        if (answer && answer.certificate_no) done += t("证书 " + answer.certificate_no + " 已签发。", "certificate " + answer.certificate_no + " issued. ");
        decided(done + item.name);
      }).catch(fail);
    });
    article.appendChild(form);
    return article;
  }

  // Finance ---------------------------------------------------------------------
  function cardsScreen() {
    var form = show($("form.issue"));
    var list = show($("section.list"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var count = parseInt(value(form, "count"), 10);
      var yuanText = value(form, "value");
      if (!/^\d+(\.\d{1,2})?$/.test(yuanText)) { say(t("面值应为元，最多两位小数，如 600 或 37.50。", "The value is in yuan with at most two decimals, e.g. 600 or 37.50."), false); form.elements.value.focus(); return; }
      var parts = yuanText.split(".");
      var fen = parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
      busy(form.querySelector("button[type=submit]"), api("POST", "/staff/cards", { count: count, value_fen: fen, note: value(form, "note") })).then(function (answer) {
        var codes = clear($(".issued .codes"));
        answer.codes.forEach(function (code) { codes.appendChild(el("li", {}, [el("code", { text: code.replace(/(.{4})(?=.)/g, "$1-") })])); });
        show($(".issued"));
        say(t("已发放 " + answer.codes.length + " 张学习卡，每张 " + yuan(fen) + "。", "Issued " + answer.codes.length + " cards of " + yuan(fen) + " each."), true);
        form.elements.note.value = "";
        loadCards();
      }).catch(fail);
    });
    list.querySelector(".csv").addEventListener("click", function (event) {
      downloadCsv(event.currentTarget, "/staff/cards?format=csv", "study-cards.csv");
    });
    list.querySelector(".print").addEventListener("click", function () { window.print(); });
    loadCards();
  }
  function loadCards() {
    var body = clear($("section.list tbody"));
    return api("GET", "/staff/cards").then(function (answer) {
      answer.cards.forEach(function (card) {
        var action = el("td", { "class": "no-print" });
        if (card.state === "issued") action.appendChild(el("button", { type: "button", "class": "secondary small void", text: t("作废", "Void"), onclick: function (event) {
          if (!window.confirm(t("作废学习卡 " + card.code + "？", "Void card " + card.code + "?"))) return;
          busy(event.currentTarget, api("POST", "/staff/cards/" + encodeURIComponent(card.code) + "/void", {})).then(function () {
            say(t("学习卡 " + card.code + " 已作废。", "Card " + card.code + " voided."), true);
            loadCards();
          }).catch(fail);
        } }));
        body.appendChild(el("tr", { "data-code": card.code }, [
          el("td", {}, [el("code", { text: card.code })]), el("td", { text: yuan(card.value_fen) }),
          el("td", { text: word(card.state) + (card.redeemed_by ? " · " + card.redeemed_by : "") }), el("td", { text: when(card.issued_at) }), el("td", { text: card.note }), action
        ]));
      });
      if (!answer.cards.length) body.appendChild(el("tr", {}, [el("td", { colspan: "6", "class": "muted", text: t("还没有学习卡。", "No cards yet.") })]));
    }).catch(fail);
  }
  var ORDER_STATES = {
    pending: ["待支付", "Awaiting payment"], paid: ["已支付", "Paid"], expired: ["已过期", "Expired"], cancelled: ["已取消", "Cancelled"]
  };
  var REFUND_STATES = { requested: ["退款中", "Refunding"], succeeded: ["已退款", "Refunded"], failed: ["退款失败", "Refund failed"] };
  function named(map, key) { var w = map[key]; return w ? (zh ? w[0] : w[1]) : key; }
  function ordersScreen() {
    var form = show($("form.order-find"));
    function lookUp(no) {
      return api("GET", "/staff/orders/" + encodeURIComponent(no)).then(showOrder);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(form.querySelector("button"), lookUp(value(form, "order")).then(quiet))
        .catch(function (error) { hide($("article.order")); fail(error); });
    });
    function showOrder(order) {
      var box = clear(show($("article.order")));
      box.appendChild(el("h2", { text: t("订单 ", "Order ") + order.order_no }));
      box.appendChild(facts([
        [t("学员", "Learner"), learnerLink(order.learner_id)],
        [t("金额", "Amount"), yuan(order.total_fen)],
        [t("方式", "Channel"), word(order.channel)],
        [field("status"), named(ORDER_STATES, order.status)],
        [t("微信支付交易号", "WeChat Pay transaction"), order.transaction_id],
        [t("发票申请", "Invoice request"), order.invoice_id],
        [t("学时", "Hours"), (order.hours || []).join(", ")],
        [t("可退金额", "Refundable"), yuan(order.refundable_fen)],
        [t("下单时间", "Created"), when(order.created_at)]
      ]));
      if (order.refunds.length) {
        box.appendChild(el("h3", { text: t("退款记录", "Refunds made") }));
        box.appendChild(el("ul", { "class": "refunds" }, order.refunds.map(function (refund) {
          var why = refund.reason === "already_owned" ? t("重复支付，自动退款", "paid twice, refunded automatically")
            : refund.by + (refund.note ? "：" + refund.note : "") + (refund.learned.length ? t("（含已学学时 ", " (learned hours ") + refund.learned.join(", ") + t("）", ")") : "");
          return el("li", { text: refund.refund_no + " · " + yuan(refund.amount_fen) + " · " + (refund.hours.join(", ") || t("仅退款", "money only")) + " · " + named(REFUND_STATES, refund.status) + " · " + why });
        })));
      }
      if (order.status === "paid" && order.refundable_fen > 0) box.appendChild(refundForm(order));
    }
    // Finance refunds some or all of the hours kept; the amount defaults to their share of the price.
    function refundForm(order) {
      var hours = order.kept_hours.map(function (hour) {
        return el("label", { "class": "check" }, [el("input", { type: "checkbox", name: "hours", value: hour }), " " + hour]);
      });
      var refund = el("form", { "class": "refund", novalidate: true }, [
        el("h3", { text: t("办理退款", "Refund") }),
        el("fieldset", {}, [el("legend", { text: t("撤回的学时", "Hours withdrawn") })].concat(hours)),
        el("label", {}, [t("金额（元，留空按学时折算）", "Amount (yuan; empty: the hours' share)"), el("input", { name: "amount", inputmode: "decimal", autocomplete: "off" })]),
        el("label", {}, [t("原因", "Reason"), el("input", { name: "note", required: true, maxlength: "200" })]),
        el("label", { "class": "check" }, [el("input", { type: "checkbox", name: "withdraw_learned" }), t(" 撤回已标记“学过了”的学时", " Withdraw hours marked learned")]),
        el("button", { type: "submit", text: t("退款", "Refund") })
      ]);
      refund.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = Array.prototype.map.call(refund.querySelectorAll("input[name=hours]:checked"), function (box) { return box.value; });
        var body = { hours: chosen, note: value(refund, "note"), withdraw_learned: refund.elements.withdraw_learned.checked };
        var amount = value(refund, "amount");
        if (amount) {
          if (!/^\d+(\.\d{1,2})?$/.test(amount)) { say(t("金额应为元，最多两位小数。", "The amount is in yuan, with at most two decimals."), false); return; }
          var parts = amount.split(".");
          body.amount_fen = parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
        }
        if (!window.confirm(t("确认退款？", "Refund this order?"))) return;
        busy(refund.querySelector("button"), api("POST", "/payments/orders/" + encodeURIComponent(order.order_no) + "/refunds", body)).then(function () {
          return lookUp(order.order_no);
        }).then(function () { say(t("已退款。", "Refunded."), true); }).catch(fail);
      });
      return refund;
    }
    form.elements.order.focus();
  }
  // Reconciliation with WeChat Pay's trade bill: a day's mismatches; a payment missing here applied.
  var MISMATCHES = {
    missing_here: ["微信有、平台无（通知丢失）", "Paid in WeChat Pay, not here (lost notice)"],
    missing_there: ["平台有、账单无", "Paid here, not in the bill"],
    amount_differs: ["金额不一致", "Amounts differ"]
  };
  function chinaYesterday() {
    var china = new Date(Date.now() + 8 * 3600 * 1000 - 24 * 3600 * 1000);
    return china.toISOString().slice(0, 10);
  }
  function reconciliationScreen() {
    var form = show($("form.reconciliation-day"));
    var day = new URLSearchParams(location.search).get("day") || chinaYesterday();
    form.elements.day.value = day;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = value(form, "day");
      if (!chosen) { say(t("请选择日期。", "Choose a day."), false); return; }
      history.replaceState(null, "", "?day=" + encodeURIComponent(chosen));
      busy(form.querySelector("button[type=submit]"), loadReconciliation(chosen)).catch(fail);
    });
    // The local platform runs the daily job on request (a deployment runs it on its schedule).
    var run = form.querySelector(".run");
    if (/^(127\.0\.0\.1|localhost|\[::1\])$/.test(location.hostname)) {
      show(run);
      run.addEventListener("click", function () {
        var chosen = value(form, "day");
        busy(run, fetch("/local/reconcile/" + encodeURIComponent(chosen), { method: "POST" }).then(function (response) {
          if (!response.ok) throw new Error(t("对账失败（" + response.status + "）", "Reconciliation failed (" + response.status + ")"));
          return loadReconciliation(chosen);
        })).catch(fail);
      });
    }
    loadReconciliation(day).catch(fail);
  }
  function loadReconciliation(day) {
    return api("GET", "/staff/reconciliations/" + encodeURIComponent(day)).then(function (answer) {
      var box = show($("section.reconciliation"));
      box.querySelector("h2").textContent = t(answer.day + " 的对账结果", "Reconciliation of " + answer.day);
      box.querySelector(".summary").textContent = !answer.run_at ? t("这一天尚未对账。", "This day has not been reconciled yet.")
        : t("对账时间 " + when(answer.run_at) + "：账单中 " + answer.bill_payments + " 笔支付、" + answer.bill_refunds + " 笔退款；平台收到 " + answer.applied_payments + " 笔支付；差异 " + answer.mismatches.length + " 笔。",
          "Run " + when(answer.run_at) + ": " + answer.bill_payments + " payments and " + answer.bill_refunds + " refunds in the bill; " + answer.applied_payments + " payments here; " + answer.mismatches.length + " differences.");
      var list = clear(box.querySelector(".mismatches"));
      if (answer.run_at && !answer.mismatches.length) list.appendChild(el("p", { "class": "muted empty", text: t("账单与订单一致。", "The bill and the orders agree.") }));
      answer.mismatches.forEach(function (mismatch) {
        var kind = MISMATCHES[mismatch.kind];
        var article = el("article", { "class": "item", "data-order": mismatch.order_no, "data-kind": mismatch.kind }, [
          el("h3", { text: (kind ? (zh ? kind[0] : kind[1]) : mismatch.kind) + " · " + mismatch.order_no }),
          facts([
            [t("订单号", "Order"), mismatch.order_no], [t("微信支付订单号", "WeChat Pay transaction"), mismatch.transaction_id],
            [t("账单金额", "Bill amount"), mismatch.bill_amount_fen === null ? t("（账单中没有）", "(not in the bill)") : yuan(mismatch.bill_amount_fen)],
            [t("订单金额", "Order amount"), mismatch.our_amount_fen === null ? t("（平台没有此订单）", "(no such order here)") : yuan(mismatch.our_amount_fen)],
            [t("支付时间", "Paid at"), when(mismatch.traded_at)],
            [t("已补记", "Applied"), mismatch.resolved_by ? mismatch.resolved_by + " · " + when(mismatch.resolved_at) : ""]
          ])
        ]);
        var applicable = mismatch.kind === "missing_here" && !mismatch.resolved_by && mismatch.bill_amount_fen !== null && mismatch.bill_amount_fen === mismatch.our_amount_fen;
        if (applicable) {
          var button = el("button", { type: "button", "class": "apply", text: t("补记这笔支付", "Apply this payment") });
          button.addEventListener("click", function () {
            if (!confirm(t("确认补记订单 " + mismatch.order_no + " 的支付 " + yuan(mismatch.bill_amount_fen) + "？", "Apply the payment of " + yuan(mismatch.bill_amount_fen) + " to order " + mismatch.order_no + "?"))) return;
            busy(button, api("POST", "/staff/reconciliations/" + encodeURIComponent(day) + "/payments",
              { order_no: mismatch.order_no, transaction_id: mismatch.transaction_id, amount_fen: mismatch.bill_amount_fen })).then(function (answer) {
              say(answer.applied ? t("已补记，学员已获得所购学时。", "Applied: the learner has the hours bought.") : t("这笔支付此前已入账。", "This payment was applied before."), true);
              return loadReconciliation(day);
            }).catch(fail);
          });
          article.appendChild(el("p", { "class": "actions" }, [button]));
        }
        list.appendChild(article);
      });
    });
  }
  function downloadCsv(button, path, filename) {
    busy(button, api("GET", path, undefined, { raw: true, accept: "text/csv" })).then(function (response) { return response.blob(); }).then(function (blob) {
      var link = el("a", { href: URL.createObjectURL(blob), download: filename });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).catch(fail);
  }
  function invoicesScreen() {
    var filter = show($("form.invoice-filter"));
    filter.elements.status.addEventListener("change", loadInvoices);
    filter.querySelector(".csv").addEventListener("click", function (event) {
      var state = value(filter, "status");
      downloadCsv(event.currentTarget, "/staff/invoices?format=csv&status=" + encodeURIComponent(state), "invoices-" + state + ".csv");
    });
    filter.addEventListener("submit", function (event) { event.preventDefault(); loadInvoices(); });
    loadInvoices();
  }
  function loadInvoices() {
    var state = value($("form.invoice-filter"), "status");
    var box = $(".invoices");
    return api("GET", "/staff/invoices?status=" + encodeURIComponent(state)).then(function (answer) {
      clear(box);
      if (!answer.invoices.length) box.appendChild(el("p", { "class": "muted empty", text: t("没有发票申请。", "No invoice requests.") }));
      answer.invoices.forEach(function (invoice) {
        var article = el("article", { "class": "item", "data-invoice": invoice.id }, [
          el("h3", { text: invoice.buyer_name + " · " + yuan(invoice.amount_fen) }),
          facts([
            [t("申请编号", "Request"), invoice.id],
            [t("抬头类型", "Buyer"), invoice.buyer_kind === "person" ? t("个人", "Person") : t("单位", "Company")],
            [t("纳税人识别号", "Taxpayer id"), invoice.taxpayer_id || t("（个人无）", "(none for a person)")], [field("email"), invoice.email],
            [t("交付方式", "Delivery"), invoice.delivery === "electronic" ? word("electronic")
              : t("纸质发票（顺丰到付）：", "Paper (SF, cash on delivery): ") + [invoice.recipient, invoice.phone, invoice.delivery].filter(Boolean).join(" · ")],
            [t("订单", "Orders"), (invoice.orders || []).join(", ")], [t("申请时间", "Requested"), when(invoice.requested_at)],
            [t("发票号码", "Invoice number"), invoice.invoice_number || invoice.number], [field("status"), invoice.status === "issued" ? t("已开具", "Issued") : t("待开具", "Requested")]
          ])
        ]);
        if (invoice.status === "requested") {
          var form = el("form", { "class": "issue-invoice inline", novalidate: true }, [
            el("label", {}, [t("发票号码（8–20 位数字）", "Invoice number (8–20 digits)"),
              el("input", { name: "number", inputmode: "numeric", autocomplete: "off", required: true, maxlength: "30" })]),
            el("button", { type: "submit", "class": "mark", text: t("标记为已开具", "Mark issued") })
          ]);
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            var number = form.elements.number.value.trim();
            busy(form.querySelector("button"), api("POST", "/staff/invoices/" + encodeURIComponent(invoice.id) + "/issued", { number: number })).then(function () {
              say(t("发票申请 " + invoice.id + " 已标记为已开具。", "Invoice request " + invoice.id + " marked issued."), true);
              loadInvoices();
            }).catch(fail);
          });
          article.appendChild(form);
        }
        box.appendChild(article);
      });
    }).catch(fail);
  }

  // Administrator ---------------------------------------------------------------
  function rolesOf(container) {
    return Array.prototype.filter.call(container.querySelectorAll("input[name=roles]"), function (box) { return box.checked; }).map(function (box) { return box.value; });
  }
  function accountsScreen() {
    show($("section.accounts"));
    var create = show($("form.create"));
    create.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { name: value(create, "name"), display_name: value(create, "display_name"), roles: rolesOf(create), password: create.elements.password.value };
      busy(create.querySelector("button[type=submit]"), api("POST", "/staff/accounts", body)).then(function (account) {
        create.reset();
        say(t("已创建账号 " + account.name + "。请把初始密码告知本人；首次登录时设置身份验证器。", "Account " + account.name + " created. Give its owner the password; they set up the authenticator at first log-in."), true);
        loadAccounts();
      }).catch(fail);
    });
    loadAccounts();
  }
  function loadAccounts() {
    var box = $("section.accounts .items");
    return api("GET", "/staff/accounts").then(function (answer) {
      clear(box);
      answer.accounts.forEach(function (account) { box.appendChild(accountItem(account)); });
    }).catch(fail);
  }
  function accountItem(account) {
    var path = "/staff/accounts/" + encodeURIComponent(account.name);
    var article = el("article", { "class": "item" + (account.disabled ? " disabled" : ""), "data-account": account.name }, [
      el("h3", { text: account.display_name + "（" + account.name + "）" + (account.disabled ? t(" · 已停用", " · disabled") : "") }),
      facts([
        [field("roles"), account.roles.map(word).join(t("、", ", "))],
        [field("totp"), account.totp_enrolled ? t("已设置（剩余恢复码 " + account.recovery_codes_left + " 个）", "set up (" + account.recovery_codes_left + " recovery codes left)") : t("未设置（下次登录时设置）", "not set up (at next log-in)")],
        [t("创建", "Created"), when(account.created_at) + t("，由 ", " by ") + account.created_by]
      ])
    ]);
    var edit = el("form", { "class": "edit", novalidate: true }, [
      el("label", {}, [field("display_name"), el("input", { name: "display_name", value: account.display_name, maxlength: "40", required: true })]),
      el("fieldset", {}, [el("legend", { text: field("roles") })].concat(["operator", "finance", "administrator"].map(function (role) {
        return el("label", { "class": "check" }, [el("input", { type: "checkbox", name: "roles", value: role, checked: account.roles.indexOf(role) >= 0 }), " " + word(role)]);
      }))),
      el("label", { "class": "check" }, [el("input", { type: "checkbox", name: "disabled", checked: account.disabled }), " " + t("停用此账号", "Disable this account")]),
      el("button", { type: "submit", "class": "save", text: t("保存", "Save") })
    ]);
    edit.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { display_name: value(edit, "display_name"), roles: rolesOf(edit), disabled: edit.elements.disabled.checked };
      busy(edit.querySelector("button"), api("PATCH", path, body)).then(function (saved) {
        article.replaceWith(accountItem(saved));
        say(t("账号 " + account.name + " 已保存。", "Account " + account.name + " saved."), true);
      }).catch(fail);
    });
    var password = el("form", { "class": "password inline", novalidate: true }, [
      el("label", {}, [t("新密码", "New password"), el("input", { name: "password", type: "password", autocomplete: "new-password", maxlength: "128", required: true })]),
      el("button", { type: "submit", "class": "secondary", text: t("重置密码", "Reset password") })
    ]);
    password.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(password.querySelector("button"), api("POST", path + "/password", { password: password.elements.password.value })).then(function () {
        password.reset();
        say(t("账号 " + account.name + " 的密码已重置。", "Password of " + account.name + " reset."), true);
      }).catch(fail);
    });
    var reset = el("button", { type: "button", "class": "secondary totp-reset", text: t("重置身份验证器", "Reset authenticator"), onclick: function (event) {
      if (!window.confirm(t("重置 " + account.name + " 的身份验证器？其下次登录时需重新设置。", "Reset the authenticator of " + account.name + "? They set it up again at their next log-in."))) return;
      busy(event.currentTarget, api("POST", path + "/totp-reset", {})).then(function () {
        say(t("账号 " + account.name + " 的身份验证器已重置。", "Authenticator of " + account.name + " reset."), true);
        loadAccounts();
      }).catch(fail);
    } });
    article.appendChild(el("details", {}, [el("summary", { text: t("修改", "Change") }), edit, password, el("p", {}, [reset])]));
    return article;
  }

  var years = null;
  function yearsScreen() {
    var form = show($("form.year-edit"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body;
      try { body = JSON.parse(form.elements.data.value); } catch (e) { say(t("数据不是有效的 JSON：", "The data is not valid JSON: ") + e.message, false); return; }
      body.expected_version = parseInt(form.elements.expected_version.value || "0", 10);
      var reason = value(form, "correction");
      if (reason) body.correction = { reason: reason };
      delete body.year;
      var year = value(form, "year");
      busy(form.querySelector("button[type=submit]"), api("PUT", "/staff/years/" + encodeURIComponent(year) + "/" + value(form, "part"), body)).then(function () {
        say(t(year + " 年度已保存。", year + " saved."), true);
        form.elements.correction.value = "";
        loadYears();
      }).catch(function (error) {
        var fields = (error.body && error.body.errors) || [];
        say(error.message + fields.map(function (f) { return " · " + f.field + ": " + (zh ? f.message : f.message_en); }).join(""), false);
      });
    });
    form.elements.part.addEventListener("change", fillEditor);
    form.elements.year.addEventListener("change", fillEditor);
    loadYears();
  }
  function fillEditor() {
    var form = $("form.year-edit");
    var year = parseInt(value(form, "year"), 10);
    var part = value(form, "part");
    var found = years && years.years.filter(function (y) { return y.year === year; })[0];
    var current = found && found[part];
    var template = part === "settings"
      ? { source: "", price_per_hour_fen: 1500, batch_expiry_dates: [], certificate_available_after_working_days: 5, returning_learner_free_mandatory: true, class_hour_minutes: 45 }
      : { source: "", holidays: [], workdays: [] };
    var data = current ? Object.assign({}, current.data) : template;
    delete data.year;
    form.elements.data.value = JSON.stringify(data, null, 2);
    form.elements.expected_version.value = current ? current.origin.version : 0;
  }
  function loadYears() {
    return Promise.all([api("GET", "/staff/years"), api("GET", "/staff/years/changes")]).then(function (answers) {
      years = answers[0];
      var checklist = clear($(".checklist .list"));
      years.checklist.forEach(function (item) { checklist.appendChild(el("li", { text: zh ? item.message : item.message_en })); });
      if (!years.checklist.length) checklist.appendChild(el("li", { "class": "muted", text: t("没有缺少的内容。", "Nothing missing.") }));
      show($(".checklist"));
      var box = clear($(".years .items"));
      years.years.forEach(function (y) {
        var origin = function (part) {
          if (!part) return t("未录入", "not entered");
          return (part.origin.from === "staff" ? t("由 " + part.origin.saved_by + " 于 " + when(part.origin.saved_at) + " 保存", "saved by " + part.origin.saved_by + " on " + when(part.origin.saved_at)) : t("初始数据文件", "initial data file")) + t("，版本 ", ", version ") + part.origin.version + (part.data && part.data.source ? " · " + part.data.source : "");
        };
        var settings = y.settings && y.settings.data;
        box.appendChild(el("article", { "class": "item", "data-year": String(y.year) }, [
          el("h3", { text: String(y.year) }),
          facts([
            [word("settings"), origin(y.settings)],
            [t("每学时价格", "Price per hour"), settings ? yuan(settings.price_per_hour_fen) : null],
            [t("每学时学习时长", "Class hour length"), settings ? t(settings.class_hour_minutes + " 分钟", settings.class_hour_minutes + " min") : null],
            [t("换证批次", "Batches"), settings ? (settings.batch_expiry_dates || []).join(", ") : null],
            [word("calendar"), origin(y.calendar)],
            [t("证书可下载日", "Download days"), (y.downloads || []).map(function (d) { return d.batch_date + " → " + (d.available_from || (zh ? d.message : d.message_en) || "?"); }).join("; ")]
          ]),
          el("p", { "class": "actions" }, ["settings", "calendar"].map(function (part) {
            return el("button", { type: "button", "class": "secondary small", text: t("编辑", "Edit ") + word(part), onclick: function () {
              var form = $("form.year-edit");
              form.elements.year.value = y.year;
              form.elements.part.value = part;
              fillEditor();
              form.querySelector("h2").focus();
            } });
          }))
        ]));
      });
      show($(".years"));
      var changes = clear($(".changes .items"));
      answers[1].changes.forEach(function (change) {
        changes.appendChild(el("p", { text: when(change.at) + " · " + change.by + " · " + change.year + " " + word(change.part) + t(" 版本 ", " version ") + change.version + " · " + (change.changed || []).join(", ") + (change.correction ? t(" · 更正原因：", " · correction: ") + change.correction : "") }));
      });
      if (!answers[1].changes.length) changes.appendChild(el("p", { "class": "muted", text: t("暂无修改。", "No changes yet.") }));
      show($(".changes"));
      var form = $("form.year-edit");
      if (!form.elements.year.value) { form.elements.year.value = years.today ? years.today.slice(0, 4) : new Date().getFullYear(); fillEditor(); }
    }).catch(fail);
  }

  function importsScreen() {
    var form = show($("form.import"));
    var backfill = show($(".backfill"));
    backfill.querySelector(".run").addEventListener("click", function (event) {
      var button = event.currentTarget;
      var total = 0;
      function batch() {
        return api("POST", "/staff/learners/lookup/backfill", {}).then(function (answer) {
          total += answer.indexed;
          say(t("已建立 " + total + " 位学员的索引" + (answer.more ? "，继续中……" : "。"), total + " learners indexed" + (answer.more ? "; continuing…" : ".")), true);
          if (answer.more) return batch();
        });
      }
      busy(button, batch()).catch(fail);
    });
    form.elements.file.addEventListener("change", function () {
      var file = form.elements.file.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { form.elements.csv.value = String(reader.result).replace(/^\uFEFF/, ""); };
      reader.readAsText(file, "utf-8");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var csv = form.elements.csv.value;
      if (!csv.trim()) { say(t("请选择文件或粘贴 CSV 内容。", "Choose a file or paste the CSV."), false); return; }
      busy(form.querySelector("button[type=submit]"), api("POST", "/staff/imports", { csv: csv })).then(function (report) {
        var box = show($(".report"));
        box.querySelector(".summary").textContent = t("导入 " + report.imported + " 行，" + report.unchanged + " 行此前已导入，" + report.rejected.length + " 行未导入。",
          report.imported + " rows imported, " + report.unchanged + " already there, " + report.rejected.length + " refused.");
        var list = clear(box.querySelector(".rejected"));
        report.rejected.forEach(function (row) {
          list.appendChild(el("li", { text: t("第 " + row.line + " 行", "Line " + row.line) + (row.column ? "（" + row.column + "）" : "") + "：" + (zh ? row.message : row.message_en) }));
        });
        say(t("导入完成。", "Import done."), true);
      }).catch(fail);
    });
  }

  // Start --------------------------------------------------------------------------
  var SCREENS = {
    learners: learnersScreen, queues: queuesScreen, cards: cardsScreen, orders: ordersScreen, invoices: invoicesScreen, reconciliation: reconciliationScreen,
    accounts: accountsScreen, years: yearsScreen, imports: importsScreen, audit: auditScreen
  };
  if (screen === "home") {
    loginScreen();
    if (token()) showDashboard();
    else {
      showLogin();
      if (sessionStorage.getItem("ticedu.staff.expired")) say(t("登录已失效，请重新登录。", "Your session ended; please log in again."), false);
    }
    sessionStorage.removeItem("ticedu.staff.expired");
    var dashboardFind = $(".dashboard form.find");
    findForm(dashboardFind, function (file) { location.href = home() + "learners/?learner=" + encodeURIComponent(file.learner_id); });
    return;
  }
  if (!token()) { location.replace(home()); return; }
  loadMe().then(function () { SCREENS[screen] && SCREENS[screen](); }).catch(fail);
})();
