// ticedu learner pages: small, dependency-free, progressive. The pages read
// without this script; it only adds forms that talk to the API.
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var prefix = zh ? "" : "/en";
  // The session is an HttpOnly cookie the page cannot read; beside it the
  // server sets this marker (just "1"), so the page knows whom to greet
  // without asking. The server decides, whatever the marker says.
  var MARKER = "__Host-ticedu-in";
  // forms.js, loaded first: errors beside their fields. Without it, the status line says them.
  var forms = window.ticeduForms || {
    check: function () { return true; },
    clear: function () {},
    showErrors: function (form, error) { say(form.querySelector(".status") || form.parentNode.querySelector(".status"), error.message, false); }
  };

  function text(zhText, enText) { return zh ? zhText : enText; }
  function token() { return document.cookie.split("; ").indexOf(MARKER + "=1") >= 0; }
  function forgetSession() { document.cookie = MARKER + "=; Path=/; Max-Age=0; Secure; SameSite=Strict"; }

  function say(status, message, ok) {
    if (!status) return;
    status.textContent = message;
    status.className = "status " + (ok ? "ok" : "bad");
  }

  // Every API error is {code, message (zh), message_en}.
  function api(method, path, body) {
    // The header tells the API that this site's own page sent the request (CSRF).
    var headers = { "Accept": "application/json", "X-Ticedu-Csrf": "1" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch("/api" + path, { method: method, headers: headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.status === 204) return null;
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) return data;
          if (response.status === 401) forgetSession();
          var error = new Error(zh ? (data.message || "请求失败") : (data.message_en || "Request failed"));
          error.code = data.code || String(response.status);
          error.fields = data.fields || [];
          throw error;
        });
      });
  }

  function value(form, name) {
    var field = form.elements[name];
    return field ? field.value.trim() : "";
  }

  function register(form) {
    var category = form.elements.category;
    function showKind() {
      form.querySelectorAll("fieldset[data-for]").forEach(function (set) { set.hidden = set.getAttribute("data-for") !== category.value; });
    }
    category.addEventListener("change", showKind);
    showKind();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!forms.check(form)) return;
      var kind = { category: category.value };
      if (kind.category === "holder") {
        kind.certificate_kind = value(form, "certificate_kind");
        kind.original_certificate_no = value(form, "original_certificate_no");
        kind.expires_on = value(form, "expires_on");
      } else if (kind.category === "new") {
        kind.learning_started_on = value(form, "learning_started_on");
      } else {
        kind.title_kind = value(form, "title_kind");
        kind.issuing_authority = value(form, "issuing_authority");
        kind.title_certificate_no = value(form, "title_certificate_no");
      }
      var body = { name: value(form, "name"), id_number: value(form, "id_number"), kind: kind, password: form.elements.password.value };
      if (value(form, "phone")) body.phone = value(form, "phone");
      if (value(form, "email")) body.email = value(form, "email");
      var status = form.querySelector(".status");
      api("POST", "/accounts/register", body).then(function (registered) {
        // The same answer whether the ID number had an account before: the page says what to do in both cases.
        say(status, text("注册已受理。您的用户名是：" + registered.username + "。请用它和刚设置的密码登录；如提示密码错误，说明该身份证号以前已注册过，请用原来的密码登录。",
          "Registration received. Your username is: " + registered.username + ". Log in with it and the password you just chose; if the password is refused, this ID number was registered before: use your old password."), true);
        form.elements.id_number.value = "";
      }).catch(function (error) { forms.showErrors(form, error); });
    });
  }

  function login(form) {
    if (new URLSearchParams(location.search).get("out")) {
      say(form.querySelector(".status"), text("您已退出登录。", "You have logged out."), true);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector(".status");
      if (!forms.check(form)) return;
      api("POST", "/accounts/login", { username: value(form, "username"), password: form.elements.password.value, cookie: true })
        .then(function () {
          // The cart lives in localStorage: on a shared computer it must not pass to the next learner.
          localStorage.removeItem("ticedu.cart");
          say(status, text("登录成功，正在进入“我的学习”。", "Logged in; opening My learning."), true);
          location.href = prefix + "/learning/";
        })
        .catch(function (error) { forms.showErrors(form, error); });
    });
  }

  // 忘记密码: a code to the registered address, then the code and a new password.
  function recover(root) {
    var ask = root.querySelector("form.ask-code");
    var reset = root.querySelector("form.reset");
    ask.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = ask.querySelector(".status");
      if (!forms.check(ask)) return;
      api("POST", "/accounts/recovery", { username: value(ask, "username") }).then(function () {
        // The same words whether or not the account exists: the page cannot know either.
        say(status, text("如果该用户名的账户登记了电子邮箱或手机号码，验证码已经发出，15 分钟内有效。请查收后在下面填写。",
          "If an account with this username registered an e-mail address or phone number, the code is on its way, valid for 15 minutes. Enter it below."), true);
        reset.hidden = false;
        reset.elements.code.focus();
      }).catch(function (error) { forms.showErrors(ask, error); });
    });
    reset.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = reset.querySelector(".status");
      if (!forms.check(reset)) return;
      api("POST", "/accounts/recovery/reset", { username: value(ask, "username"), code: value(reset, "code"), new_password: reset.elements.new_password.value }).then(function () {
        reset.elements.new_password.value = "";
        status.textContent = "";
        status.className = "status ok";
        var link = document.createElement("a");
        link.href = prefix + "/login/";
        link.textContent = text("密码已重设，其他设备上的登录已全部退出。请用新密码登录。", "Your password is reset and you are logged out everywhere. Log in with the new password.");
        status.appendChild(link);
      }).catch(function (error) { forms.showErrors(reset, error); });
    });
  }

  // "2 小时 5 分钟": time studied reads as a duration, not a clock.
  function duration(seconds) {
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds % 3600 / 60);
    return zh ? (hours ? hours + " 小时 " : "") + minutes + " 分钟"
              : (hours ? hours + " h " : "") + minutes + " min";
  }

  // The API gives the first day after the cycle; people read the last day in it.
  function lastDay(firstAfter) {
    var day = new Date(firstAfter + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() - 1);
    return day.toISOString().slice(0, 10);
  }

  function listItem(list, content) {
    var item = document.createElement("li");
    if (typeof content === "string") item.textContent = content; else item.appendChild(content);
    list.appendChild(item);
    return item;
  }

  function showProgress(root, progress) {
    var box = root.querySelector(".progress");
    box.hidden = false;
    var heading = root.querySelector(".cycle-heading");
    if (heading) heading.hidden = false;
    var details = root.querySelector(".cycle-details");
    details.hidden = false;
    var bar = box.querySelector(".bar");
    bar.setAttribute("aria-valuemax", progress.required_hours);
    bar.setAttribute("aria-valuenow", progress.counted_hours);
    bar.querySelector("span").style.width = (100 * progress.counted_hours / progress.required_hours) + "%";
    var end = lastDay(progress.cycle_end);
    var cycle = text("第 " + progress.cycle + " 个学习周期（" + progress.cycle_start + " 至 " + end + "）：",
                     "Cycle " + progress.cycle + " (" + progress.cycle_start + " to " + end + "): ");
    var said = progress.complete
      ? text("已学满本周期要求的学时。", "You have completed this cycle's hours.")
      : text("已计入 " + progress.counted_hours + " / " + progress.required_hours + " 学时，还需 " + progress.remaining_hours + " 学时。",
             progress.counted_hours + " of " + progress.required_hours + " hours counted; " + progress.remaining_hours + " to go.");
    box.querySelector(".progress-text").textContent = cycle + said;

    var facts = details.querySelector(".cycle-facts");
    facts.innerHTML = "";
    if (progress.mandatory.required_hours > 0) {
      listItem(facts, text("必修课：已计入 " + Math.min(progress.mandatory.learned_hours, progress.mandatory.required_hours) + " / " + progress.mandatory.required_hours + " 学时",
                           "Mandatory: " + Math.min(progress.mandatory.learned_hours, progress.mandatory.required_hours) + " of " + progress.mandatory.required_hours + " hours counted"));
    }
    listItem(facts, text("选修课和认证课程：已计入 " + Math.min(progress.flexible.learned_hours, progress.flexible.required_hours) + " / " + progress.flexible.required_hours + " 学时",
                         "Elective and certification: " + Math.min(progress.flexible.learned_hours, progress.flexible.required_hours) + " of " + progress.flexible.required_hours + " hours counted"));
    if (progress.not_counted_hours > 0) {
      listItem(facts, text("已学但不计入：" + progress.not_counted_hours + " 学时（新学员和职称人员的必修课不计入）",
                           "Learned but not counted: " + progress.not_counted_hours + " hours (mandatory hours do not count for new and titled learners)"));
    }
    listItem(facts, text("本周期学习时长：" + duration(progress.studied_seconds || 0), "Time studied this cycle: " + duration(progress.studied_seconds || 0)));
    if (!progress.complete) {
      var bought = progress.remaining_hours - (progress.hours_to_buy || 0);
      listItem(facts, text("还需 " + progress.remaining_hours + " 学时：已购待学 " + bought + " 学时，还需购买 " + (progress.hours_to_buy || 0) + " 学时",
                           progress.remaining_hours + " hours to go: " + bought + " bought and waiting, " + (progress.hours_to_buy || 0) + " still to buy"));
    }
    var next = details.querySelector(".next-step");
    if (next && progress.next_step) next.textContent = zh ? progress.next_step.message : progress.next_step.message_en;
    showNextLesson(root, progress);
    showNotCounting(root, progress);
  }

  // The way to a certificate per kind of learner (R16–R19), and where the
  // learner stands on it, from the next step's code and the progress.
  var FILE_STEP = {
    holder: ["续证学习登记", "Renewal registration"],
    "new": ["新学员证书申请", "Certificate application"],
    titled: ["职称信息核对", "Title check by the association"]
  };
  var FILING_CODES = ["certificate.not_filed", "certificate.application_rejected", "certificate.application_with_staff", "certificate.expiry_mismatch",
    "certificate.title_not_confirmed", "certificate.title_rejected", "certificate.overdue_renewal_needed", "certificate.overdue_rejected", "certificate.overdue_with_staff"];
  function stageOf(progress) {
    var code = progress.next_step.code;
    if (code === "certificate.incomplete") return (progress.hours_to_buy || 0) > 0 ? 1 : 2;
    if (FILING_CODES.indexOf(code) >= 0) return 3;
    return 4;
  }
  // The one action that moves the learner on, or null while the association has it.
  function actionOf(progress, fileStep) {
    var code = progress.next_step.code;
    if (code === "certificate.incomplete") {
      if ((progress.hours_to_buy || 0) > 0) return { href: prefix + "/courses/", label: text("去选课（还需购买 " + progress.hours_to_buy + " 学时）", "Choose courses (" + progress.hours_to_buy + " hours to buy)") };
      if (progress.next_lesson) return { href: prefix + progress.next_lesson.path, label: text("继续学习：", "Go on learning: ") + (zh ? progress.next_lesson.title : progress.next_lesson.title_en) };
      return null;
    }
    if (["certificate.not_filed", "certificate.application_rejected", "certificate.expiry_mismatch"].indexOf(code) >= 0) {
      // Named as the guide and the form name it ("登录后点“续证学习登记”").
      return { href: prefix + "/certificates/", label: zh ? fileStep[0] : fileStep[1] };
    }
    if (["certificate.overdue_renewal_needed", "certificate.overdue_rejected"].indexOf(code) >= 0) {
      return { href: prefix + "/certificates/#overdue", label: text("提交超期换证", "File the overdue renewal") };
    }
    if (code === "certificate.ready") return { href: prefix + "/certificates/", label: text("领取证书", "Collect the certificate") };
    return null;
  }
  function showNextAction(root, progress, me) {
    var box = root.querySelector(".next-action");
    if (!box || !progress.next_step) return;
    var stages = box.querySelector(".stages");
    stages.innerHTML = "";
    var fileStep = FILE_STEP[me.category] || FILE_STEP.holder;
    var names = [[text("注册账号", "Register")], [text("缴费选课", "Pay and choose courses")], [text("学习", "Learn")], [zh ? fileStep[0] : fileStep[1]], [text("领取、打印证书", "Collect and print the certificate")]];
    var at = stageOf(progress);
    names.forEach(function (name, index) {
      var item = listItem(stages, (index < at ? "✓ " : "") + name[0]);
      if (index === at) item.setAttribute("aria-current", "step");
      item.className = index < at ? "done" : index === at ? "current" : "";
    });
    box.querySelector(".todo-text").textContent = zh ? progress.next_step.message : progress.next_step.message_en;
    var link = box.querySelector(".todo-link");
    var action = actionOf(progress, fileStep);
    link.hidden = !action;
    if (action) { link.href = action.href; link.textContent = action.label; }
    box.hidden = false;
  }

  function hourLink(hour) {
    var link = document.createElement("a");
    link.href = prefix + hour.path;
    link.textContent = (zh ? hour.course_title + " · " + hour.title : hour.course_title_en + " · " + hour.title_en);
    return link;
  }

  function showNextLesson(root, progress) {
    var box = root.querySelector(".next-lesson");
    if (!box) return;
    var line = box.querySelector(".next-lesson-text");
    line.innerHTML = "";
    var lesson = progress.next_lesson, hint = progress.next_lesson_hint;
    if (lesson) {
      line.appendChild(hourLink(lesson));
      var notes = [];
      if (lesson.open) notes.push(text("正在学习，计时中", "open now, its time running"));
      if (!lesson.counts) notes.push(text("不计入学时", "does not count"));
      if (notes.length) line.appendChild(document.createTextNode(text("（" + notes.join("，") + "）", " (" + notes.join(", ") + ")")));
    } else if (hint) {
      line.appendChild(document.createTextNode((zh ? hint.message : hint.message_en) + " "));
      var catalogue = document.createElement("a");
      catalogue.href = prefix + "/courses/";
      catalogue.textContent = text("去课程目录", "Go to the catalogue");
      line.appendChild(catalogue);
    }
    box.hidden = !lesson && !hint;
  }

  function showNotCounting(root, progress) {
    var box = root.querySelector(".not-counting");
    if (!box) return;
    var list = box.querySelector(".not-counting-list");
    list.innerHTML = "";
    var hours = progress.bought_not_counting || [];
    hours.forEach(function (hour) {
      var item = listItem(list, hourLink(hour));
      var why = document.createElement("span");
      why.className = "why";
      why.textContent = text("不计入：", "Does not count: ") + (zh ? hour.message : hour.message_en);
      item.appendChild(document.createElement("br"));
      item.appendChild(why);
    });
    box.hidden = hours.length === 0;
  }

  function markButton(hourId, onDone) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = text("学过了", "Learned");
    button.addEventListener("click", function () {
      button.disabled = true;
      api("POST", "/learning/hours/" + hourPath(hourId) + "/learned", {})
        .then(onDone)
        .catch(function (error) { button.disabled = false; alert(error.message); });
    });
    return button;
  }

  function learning(root) {
    var status = root.querySelector(".status");
    if (!token()) {
      status.innerHTML = "";
      var link = document.createElement("a");
      link.href = prefix + "/login/";
      link.textContent = text("请先登录。", "Please log in first.");
      status.appendChild(link);
      return;
    }
    Promise.all([api("GET", "/learning/progress"), api("GET", "/learning/courses"), api("GET", "/accounts/me")]).then(function (answers) {
      showNextAction(root, answers[0], answers[2]);
      showProgress(root, answers[0]);
      var notCounting = {};
      (answers[0].bought_not_counting || []).forEach(function (hour) { notCounting[hour.hour] = true; });
      var list = root.querySelector(".my-courses");
      list.innerHTML = "";
      var heading = root.querySelector(".my-courses-heading");
      if (heading) heading.hidden = !answers[1].courses.length;
      if (!answers[1].courses.length) {
        say(status, text("您还没有购买课程。", "You have not bought any course yet."), true);
      }
      answers[1].courses.forEach(function (course) {
        var heading = document.createElement("h3");
        heading.textContent = zh ? course.title : course.title_en;
        var hours = document.createElement("ul");
        course.hours.forEach(function (hour) {
          var item = document.createElement("li");
          var label = document.createElement("a");
          label.href = prefix + "/courses/" + course.id + "/" + hour.number + "/";
          label.textContent = text("第 " + hour.number + " 学时 · ", "Hour " + hour.number + " · ") + (zh ? hour.title : hour.title_en);
          item.appendChild(label);
          if (notCounting[hour.id]) {
            var tag = document.createElement("span");
            tag.className = "tag";
            tag.textContent = text("不计入学时", "does not count");
            label.appendChild(document.createTextNode(" "));
            label.appendChild(tag);
          }
          if (hour.learned) {
            var done = document.createElement("span");
            done.className = "done";
            // A state, in other words than the action that led to it (the 学过了 button, R10).
            done.textContent = "✓ " + text("已完成", "Done");
            // The time the server counted, kept with the mark (none on marks from before timing).
            if (hour.studied_seconds != null) done.textContent += text(" · 学习 ", " · studied ") + duration(hour.studied_seconds);
            item.appendChild(done);
          } else {
            item.appendChild(markButton(hour.id, function () { learning(root); }));
          }
          hours.appendChild(item);
        });
        list.appendChild(heading);
        list.appendChild(hours);
      });
    }).catch(function (error) { say(status, error.message, false); });
  }

  function hourPath(hourId) {
    var parts = hourId.split("/");
    return encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]);
  }

  function clockText(seconds) {
    var minutes = Math.floor(seconds / 60), rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // The hour page opens its lesson: the server counts the time from now (R10).
  // The countdown only shows that count; whether 学过了 is accepted, the server decides.
  function lessonTime(box) {
    if (!token()) return;
    var countdown = box.querySelector(".countdown");
    var status = box.querySelector(".status");
    var timer = null;
    function show(lesson) {
      box.hidden = false;
      // The page was built with the data file's length; the server knows staff's.
      var length = document.querySelector(".study-length");
      var minutes = Math.round(lesson.length_seconds / 60);
      if (length) length.textContent = text("本学时学习时长：" + minutes + " 分钟。", "Study length of this class hour: " + minutes + " min.");
      var ends = Date.now() + lesson.remaining_seconds * 1000;
      var announced = null;
      function tick() {
        var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        countdown.textContent = left > 0 ? text("还需学习 ", "Time left: ") + clockText(left) : text("已学满本学时", "Studied in full");
        // Screen readers hear the time left once a minute, not every second.
        var minutes = Math.ceil(left / 60);
        if (minutes !== announced) {
          announced = minutes;
          say(status, left > 0
            ? text("本学时还需学习约 " + minutes + " 分钟，学满后可点击“学过了”。", "About " + minutes + " min of this class hour left; then press “Learned”.")
            : text("已学满本学时，请点击“学过了”。", "You have studied this class hour in full: press “Learned”."), true);
        }
        if (left === 0 && timer) { clearInterval(timer); timer = null; }
      }
      if (timer) clearInterval(timer);
      timer = setInterval(tick, 1000);
      tick();
    }
    function open() {
      api("POST", "/learning/lessons/" + hourPath(box.getAttribute("data-lesson")) + "/open", {})
        .then(function (lesson) {
          show(lesson);
          lessonMedia(document.querySelector("[data-lesson-media]"), lesson.media, open);
          // Bought already: nothing to add to a cart.
          document.querySelectorAll("form.buy[data-buy-kind=hour]").forEach(function (form) { form.hidden = true; });
        })
        .catch(function (error) { box.hidden = false; countdown.textContent = ""; say(status, error.message, false); });
    }
    open();
  }

  // A bought hour's files come with signed links that open its folder only,
  // for two hours: a link that fails after that is renewed by opening the
  // lesson again, and the video goes on where it was.
  function lessonMedia(section, media, reopen) {
    if (!section || !media) return;
    var locked = section.querySelector(".locked");
    if (locked) locked.hidden = true;
    var video = section.querySelector("video.lecture");
    // When the links lapse, by this device's clock but the server's reckoning.
    var lapses = Date.now() + media.expires_in_seconds * 1000;
    if (video && media.video && video.getAttribute("src") !== media.video) {
      var at = video.currentTime;
      if (at) video.addEventListener("loadedmetadata", function () { video.currentTime = at; }, { once: true });
      video.src = media.video;
      video.hidden = false;
      video.onerror = function () {
        // Lapsed (or about to): opening the lesson again signs new links.
        if (Date.now() >= lapses - 60000) { reopen(); return; }
        var failed = section.querySelector(".video-failed") || document.createElement("p");
        failed.className = "video-failed status bad";
        failed.textContent = text("视频暂时无法播放，请检查网络后刷新页面。", "The video cannot play right now: check the connection and reload the page.");
        video.insertAdjacentElement("afterend", failed);
      };
    }
    var handout = section.querySelector(".handout");
    if (handout && media.handout) { handout.querySelector("a").href = media.handout; handout.hidden = false; }
    var courseware = section.querySelector(".courseware");
    if (courseware && media.courseware && !courseware.hasChildNodes()) {
      fetch(media.courseware)
        .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.text(); })
        .then(function (html) {
          courseware.innerHTML = html;
          // Figures are named relative to the lesson's folder and signed like it.
          var folder = new URL(media.folder, location.href);
          courseware.querySelectorAll("img[src], a[href]").forEach(function (element) {
            var name = element.tagName === "IMG" ? "src" : "href";
            var target = element.getAttribute(name);
            if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(target)) return;
            var signed = new URL(target, folder);
            signed.search = media.query;
            element.setAttribute(name, signed.href);
          });
          courseware.hidden = false;
        })
        .catch(function () {
          courseware.textContent = text("课件暂时无法加载，请刷新页面重试。", "The courseware could not be loaded: reload the page to try again.");
          courseware.hidden = false;
        });
    }
  }

  function markForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector(".status");
      if (!token()) { say(status, text("请先登录。", "Please log in first."), false); return; }
      api("POST", "/learning/hours/" + hourPath(form.getAttribute("data-mark")) + "/learned", {})
        .then(function (answer) {
          var minutes = Math.floor(answer.studied_seconds / 60);
          say(status, text("已记录，本学时学习 " + minutes + " 分钟。本周期已计入 ", "Recorded: " + minutes + " min studied. ") + answer.progress.counted_hours + " / " + answer.progress.required_hours + text(" 学时。", " hours counted this cycle."), true);
        })
        // Too early: the server's message says how long is left.
        .catch(function (error) { say(status, error.message, false); });
    });
  }

  function search(form) {
    var input = form.elements.q;
    var results = form.querySelector(".results");
    var index = null;
    fetch("/search_index." + (zh ? "zh" : "en") + ".json").then(function (r) { return r.json(); }).then(function (documents) { index = documents; run(); });
    // Substring matching needs no word segmentation, so it works for Chinese.
    var count = form.querySelector(".count");
    // What a result is, from where it lives: a course, one of its hours, a guide page, a notice.
    function kindOf(url) {
      var path = url.replace(/^https?:\/\/[^\/]+/, "").replace(/^\/en\//, "/");
      if (/^\/courses\/[^\/]+\/\d+\/$/.test(path)) return text("学时", "Class hour");
      if (/^\/courses\/[^\/]+\/$/.test(path)) return text("课程", "Course");
      if (/^\/guide\//.test(path)) return text("学习指南", "Guide");
      if (/^\/notices\//.test(path)) return text("通知公告", "Notice");
      return "";
    }
    function run() {
      var query = input.value.trim().toLowerCase();
      results.innerHTML = "";
      count.textContent = "";
      if (!index || !query) return;
      var found = index.filter(function (d) { return (d.title + " " + d.text).toLowerCase().indexOf(query) >= 0; });
      count.textContent = found.length
        ? text("找到 " + found.length + " 条" + (found.length > 30 ? "，显示前 30 条" : "") + "。", found.length + " found" + (found.length > 30 ? ", the first 30 shown" : "") + ".")
        : text("无结果：试试更短的词，例如课程名称的一部分。", "No results: try a shorter word, such as part of a course title.");
      found.slice(0, 30).forEach(function (d) {
        var item = document.createElement("li");
        var kind = kindOf(d.url);
        if (kind) {
          var tag = document.createElement("span");
          tag.className = "kind";
          tag.textContent = kind;
          item.appendChild(tag);
          item.appendChild(document.createTextNode(" "));
        }
        var link = document.createElement("a");
        link.href = d.url;
        link.textContent = d.title;
        item.appendChild(link);
        results.appendChild(item);
      });
    }
    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  }

  // An order's state as its learner reads it.
  function orderState(order) {
    var states = {
      paid: text("已支付", "paid"),
      pending: text("待支付", "awaiting payment"),
      expired: text("已过期", "expired"),
      cancelled: text("已取消", "cancelled")
    };
    return states[order.status] || order.status;
  }
  function yuan(fen) { return "¥" + (fen / 100).toFixed(2); }

  function pay(root) {
    var balance = root.querySelector(".balance");
    if (!token()) {
      var link = document.createElement("a");
      link.href = prefix + "/login/";
      link.textContent = text("请先登录。", "Please log in first.");
      balance.appendChild(link);
      return;
    }
    var wechatForm = root.querySelector("form.wechat");
    var bundleForm = root.querySelector("form.add-bundle");
    var bundleWarning = null;
    function refresh() {
      api("GET", "/accounts/me").then(function (me) {
        balance.textContent = text("元账户余额：", "Yuan account balance: ") + yuan(me.balance_fen);
        // Bundles are certification hours: a full flexible part gains nothing from them.
        bundleWarning = wouldNotCount(me, "certification");
        if (bundleForm) showWarning(bundleForm, bundleWarning);
      }).catch(function (error) { balance.textContent = error.message; });
    }
    var cart = root.querySelector(".cart");
    var showCart = cartView(cart);
    guardPurchase(bundleForm, function () { return bundleWarning; }, function () {
      var select = bundleForm.elements.bundle;
      var count = addToCart({ kind: "bundle", id: select.value, title: select.options[select.selectedIndex].text });
      say(bundleForm.querySelector(".status"), text("已加入购物车（共 " + count + " 项）。", "Added to the cart (" + count + " items)."), true);
      showCart();
    });
    // Only what was paid leaves the cart: lines added while an order was open stay.
    function paid(items) { removeFromCart(items); showCart(); refresh(); }
    var payBalance = wechatForm.querySelector("button.pay-balance");
    payBalance.addEventListener("click", function () {
      var status = wechatForm.querySelector(".status");
      var items = cartItems();
      payBalance.disabled = true;
      api("POST", "/payments/purchase", { items: cartRequest() }).then(function (answer) {
        confirmBought(status, items, answer.hours, answer.total_fen, text("购买成功", "Bought"), text("已从余额扣除", "taken from your balance"));
        paid(items);
      }).catch(function (error) { say(status, error.message, false); })
        // Enabled again only if the cart still holds something to pay.
        .then(showCart);
    });
    wechatPay(wechatForm, paid);
    showCart();
    refresh();
  }

  // The cart: what the learner chose on course, hour and pay pages, kept in
  // this browser until paid, priced by the server (R11, R12) before paying.
  var CART = "ticedu.cart";
  function cartItems() {
    try { return JSON.parse(localStorage.getItem(CART)) || []; } catch (error) { return []; }
  }
  function saveCart(items) { localStorage.setItem(CART, JSON.stringify(items)); }
  function addToCart(item) {
    var items = cartItems().filter(function (i) { return i.kind !== item.kind || i.id !== item.id; });
    items.push(item);
    saveCart(items);
    return items.length;
  }
  function cartRequest() { return cartItems().map(function (item) { return { kind: item.kind, id: item.id }; }); }
  function removeFromCart(items) {
    saveCart(cartItems().filter(function (i) {
      return !items.some(function (paid) { return paid.kind === i.kind && paid.id === i.id; });
    }));
  }
  // What each WeChat Pay order covers, so that its payment (perhaps seen
  // after a trip through WeChat Pay's H5 page) removes just those lines.
  var ORDERED = "ticedu.cart.orders";
  function ordered() {
    try { return JSON.parse(sessionStorage.getItem(ORDERED)) || {}; } catch (error) { return {}; }
  }
  function rememberOrder(orderNo, items) {
    var orders = ordered();
    orders[orderNo] = items;
    sessionStorage.setItem(ORDERED, JSON.stringify(orders));
  }
  function forgetOrder(orderNo) {
    var orders = ordered();
    var items = orders[orderNo] || [];
    delete orders[orderNo];
    sessionStorage.setItem(ORDERED, JSON.stringify(orders));
    return items;
  }

  // Lists the cart with the server's price of each line; returns a function that shows it again.
  function cartView(cart) {
    var list = cart.querySelector(".cart-lines");
    var total = cart.querySelector(".cart-total");
    var buttons = cart.querySelectorAll("form.checkout button:not(.simulate)");
    // Only the latest showing's quote may write: an older answer (for a cart since paid) is stale.
    var showing = 0;
    function show() {
      var current = ++showing;
      var items = cartItems();
      list.innerHTML = "";
      buttons.forEach(function (button) { button.disabled = !items.length; });
      if (!items.length) {
        total.textContent = text("购物车是空的：在课程页或学时页点击“加入购物车”。", "The cart is empty: use “Add to cart” on a course or hour page.");
        return;
      }
      var prices = [];
      items.forEach(function (item, index) {
        var line = listItem(list, document.createTextNode(item.title || item.id));
        prices[index] = document.createElement("span");
        prices[index].className = "price";
        line.appendChild(document.createTextNode(" "));
        line.appendChild(prices[index]);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove secondary";
        remove.textContent = text("移除", "Remove");
        remove.setAttribute("aria-label", text("移除 ", "Remove ") + (item.title || item.id));
        remove.addEventListener("click", function () {
          saveCart(cartItems().filter(function (i) { return i.kind !== item.kind || i.id !== item.id; }));
          show();
        });
        line.appendChild(document.createTextNode(" "));
        line.appendChild(remove);
      });
      api("POST", "/payments/quote", { items: cartRequest() }).then(function (quote) {
        if (current !== showing) return;
        quote.lines.forEach(function (line, index) {
          if (prices[index]) prices[index].textContent = line.hours + text(" 学时 ", " hours ") + yuan(line.net_fen) + (line.discount_fen ? text("（优惠 ", " (discount ") + yuan(line.discount_fen) + text("）", ")") : "");
        });
        total.textContent = text("合计 ", "Total ") + yuan(quote.total_fen) + text("，账户余额 ", "; your balance ") + yuan(quote.balance_fen) + text("。", ".");
      }).catch(function (error) {
        if (current !== showing) return;
        // E.g. an hour bought meanwhile: the learner removes the line and pays the rest.
        total.textContent = error.message;
        buttons.forEach(function (button) { button.disabled = true; });
      });
    }
    return show;
  }

  // WeChat Pay Native: the order's code_url is what the QR code shows; the
  // page waits for the payment notice to mark the order paid. On a local
  // server the WeChat Pay simulator can pay it instead of a phone.
  // Inside WeChat's own browser: JSAPI, with WeixinJSBridge's pay sheet.
  function wechatPay(form, paid) {
    // A phone's browser outside WeChat pays through WeChat Pay's H5 page;
    // WeChat's browser pays in place (JSAPI); a computer shows the QR code.
    var agent = navigator.userAgent;
    var phone = /Android|iPhone|iPad|HarmonyOS|OpenHarmony/.test(agent)
      // iPadOS names itself a Mac; only its touch screen tells.
      || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
    var inWeChat = /MicroMessenger/.test(agent);
    var h5 = phone && !inWeChat;
    var status = form.querySelector(".status");
    var codeUrl = form.querySelector(".code-url");
    var qr = form.querySelector(".qr");
    var simulate = form.querySelector("button.simulate");
    var local = /^(127\.0\.0\.1|localhost|\[::1\])$/.test(location.hostname);
    var waiting = null;
    function waitForPayment(orderNo, tries) {
      clearTimeout(waiting);
      // The order itself: when its notice is late the server asks WeChat Pay.
      api("GET", "/payments/orders/" + encodeURIComponent(orderNo)).then(function (order) {
        if (order.status === "expired" || order.status === "cancelled") {
          say(status, text("订单 " + orderNo + " " + orderState(order) + "，未支付。", "Order " + orderNo + " is " + orderState(order) + ", unpaid."), false);
          simulate.hidden = true;
          codeUrl.hidden = true;
          qr.hidden = true;
        } else if (order.paid) {
          simulate.hidden = true;
          codeUrl.hidden = true;
          qr.hidden = true;
          var bought = forgetOrder(orderNo);
          confirmBought(status, bought, order.hours, order.total_fen, text("支付成功", "Paid"), text("已通过微信支付", "paid with WeChat Pay"));
          paid(bought);
        } else if (tries > 0) {
          waiting = setTimeout(function () { waitForPayment(orderNo, tries - 1); }, 1500);
        } else {
          say(status, text("尚未收到订单 " + orderNo + " 的支付结果：如已付款，稍后请在“我的订单”中查看。", "No payment seen for order " + orderNo + " yet: if you paid, check My orders in a while."), false);
        }
      }).catch(function (error) { say(status, error.message, false); });
    }
    // The simulator's pay button: a QR scan, or for a JSAPI order the pay
    // sheet WeixinJSBridge would open (a desktop browser has no bridge).
    function offerSimulator(order) {
      simulate.hidden = !local;
      simulate.onclick = function () {
        simulate.disabled = true;
        var paying = order.jsapi
          ? fetch("/wechatpay-simulator/jsapi/pay", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(order.jsapi) })
          : fetch("/wechatpay-simulator/pay/" + encodeURIComponent(order.order_no), { method: "POST" });
        paying
          .then(function (response) { if (!response.ok) throw new Error(text("模拟支付失败", "The simulator could not pay")); waitForPayment(order.order_no, 20); })
          .catch(function (error) { say(status, error.message, false); })
          .then(function () { simulate.disabled = false; });
      };
    }
    // WeixinJSBridge exists only inside WeChat, and only once it says it is ready.
    function withBridge(go) {
      if (window.WeixinJSBridge && window.WeixinJSBridge.invoke) { go(window.WeixinJSBridge); return; }
      document.addEventListener("WeixinJSBridgeReady", function () { go(window.WeixinJSBridge); }, { once: true });
    }
    // The openid a JSAPI order is made out to is learnt by the server from
    // WeChat's authorisation: once per learner, through WeChat and back to
    // this page (?wechat=ready), which then pays what the learner chose.
    var RESUME = "ticedu.wechat.resume";
    function authorise(items) {
      api("POST", "/payments/wechat/authorization").then(function (answer) {
        sessionStorage.setItem(RESUME, "1");
        say(status, text("正在前往微信授权…", "On to WeChat's authorisation…"), true);
        location.href = answer.url;
      }).catch(function (error) {
        if (error.code === "wechatpay.authorization_unavailable") {
          // No paying in place here: the QR code, which WeChat recognises by long press.
          placeOrder(items, "native");
          return;
        }
        say(status, error.message, false);
      });
    }
    function payInsideWeChat(items) {
      api("POST", "/payments/wechat/orders", { items: cartRequest(), channel: "jsapi" }).then(function (order) {
        rememberOrder(order.order_no, items);
        say(status, text("订单 ", "Order ") + order.order_no + text("，应付 ", ": ") + yuan(order.total_fen) + text("。请在微信支付窗口中确认。", ". Confirm in WeChat Pay's window."), true);
        offerSimulator(order);
        withBridge(function (bridge) {
          bridge.invoke("getBrandWCPayRequest", order.jsapi, function (result) {
            var outcome = result && result.err_msg;
            if (outcome === "get_brand_wcpay_request:ok") {
              // The notice may be a moment behind WeChat's word: the order says when it is paid.
              say(status, text("正在确认订单 " + order.order_no + " 的支付结果…", "Checking whether order " + order.order_no + " is paid…"), true);
              waitForPayment(order.order_no, 40);
            } else if (outcome === "get_brand_wcpay_request:cancel") {
              say(status, text("已取消支付，购物车未变。", "Payment cancelled; the cart is unchanged."), false);
            } else {
              say(status, text("微信支付未完成，请稍后重试。", "WeChat Pay did not complete; please try again."), false);
            }
          });
        });
      }).catch(function (error) {
        if (error.code === "wechatpay.authorization_needed") { authorise(items); return; }
        say(status, error.message, false);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var items = cartItems();
      if (inWeChat) { payInsideWeChat(items); return; }
      placeOrder(items, h5 ? "h5" : "native");
    });
    function placeOrder(items, channel) {
      api("POST", "/payments/wechat/orders", { items: cartRequest(), channel: channel }).then(function (order) {
        rememberOrder(order.order_no, items);
        if (order.h5_url) {
          // WeChat Pay's page opens WeChat, then sends the learner back here to see the order paid.
          location.href = order.h5_url + "&redirect_url=" + encodeURIComponent(location.origin + prefix + "/pay/?paid=" + encodeURIComponent(order.order_no));
          return;
        }
        say(status, text("订单 ", "Order ") + order.order_no + text("，应付 ", ": ") + yuan(order.total_fen) + text("。请用微信扫码支付。", ". Scan with WeChat to pay."), true);
        codeUrl.textContent = order.code_url || "";
        codeUrl.hidden = !order.code_url;
        // The server draws the QR code: the payment link never leaves for a third party.
        qr.textContent = "";
        if (order.code_url_qr_svg) {
          // An image, not inline SVG: WeChat recognises a QR code in an image by long press.
          var image = document.createElement("img");
          image.src = "data:image/svg+xml;base64," + btoa(order.code_url_qr_svg);
          image.alt = text("微信支付二维码", "WeChat Pay QR code");
          image.width = 220;
          image.height = 220;
          qr.appendChild(image);
        }
        qr.hidden = !order.code_url_qr_svg;
        offerSimulator(order);
        waitForPayment(order.order_no, 200);
      }).catch(function (error) { say(status, error.message, false); });
    }
    // Back from WeChat's authorisation: pay what the learner chose before it.
    var authorised = new URLSearchParams(location.search).get("wechat");
    if (authorised) {
      history.replaceState(null, "", location.pathname + location.hash);
      var resume = sessionStorage.getItem(RESUME);
      sessionStorage.removeItem(RESUME);
      if (authorised === "ready") {
        if (resume && cartItems().length) payInsideWeChat(cartItems());
      } else if (authorised === "unavailable") {
        say(status, text("暂不支持在微信内直接支付，请长按识别二维码支付，或使用余额购买。", "Paying inside WeChat is not available; long-press the QR code to pay, or pay from your balance."), false);
      } else {
        say(status, text("微信授权未完成，请重新点击“微信支付”。", "WeChat's authorisation did not complete; press “Pay with WeChat Pay” again."), false);
      }
    }
    // Back from WeChat Pay's H5 page: the notice may be a moment behind the learner.
    var back = new URLSearchParams(location.search).get("paid");
    if (back) {
      // Handled once: a reload of this address must not act on it again.
      history.replaceState(null, "", location.pathname + location.hash);
      say(status, text("正在确认订单 " + back + " 的支付结果…", "Checking whether order " + back + " is paid…"), true);
      waitForPayment(back, 40);
    }
  }

  // A purchase confirmed in full: what was bought, what it cost, and
  // whether it counts toward this cycle (the progress says which bought
  // hours would not, and why).
  function confirmBought(status, items, hours, totalFen, done, how) {
    var what = items.map(function (item) { return item.title || item.id; }).join(text("、", ", "));
    var said = text(done + "：" + (what ? what + "，" : "") + "共 " + hours.length + " 学时，" + yuan(totalFen) + "，" + how + "。",
                    done + ": " + (what ? what + ", " : "") + hours.length + " hours, " + yuan(totalFen) + ", " + how + ".");
    say(status, said, true);
    api("GET", "/learning/progress").then(function (p) {
      var notCounting = (p.bought_not_counting || []).filter(function (hour) { return hours.indexOf(hour.hour) >= 0; });
      var counts = hours.length - notCounting.length;
      var cycle = text("第 " + p.cycle + " 个学习周期", "cycle " + p.cycle);
      var words = notCounting.length === 0
        ? text(" 全部 " + counts + " 学时学完后计入" + cycle + "的学时要求。", " All " + counts + " hours count toward " + cycle + " once learned.")
        : text(" 其中 " + notCounting.length + " 学时不计入" + cycle + "：" + notCounting[0].message, " " + notCounting.length + " of them do not count toward " + cycle + ": " + notCounting[0].message_en);
      say(status, said + words, true);
    }).catch(function () {});
  }

  // Why hours of `group` would not count for the learner of `me`, or null:
  // the rule of R8/R9 as the account's own progress states it.
  function wouldNotCount(me, group) {
    var p = me && me.progress;
    if (!p) return null;
    if (group === "mandatory" && p.mandatory.required_hours === 0) {
      return text("新入行及其他学员（含职称人员）学习必修课不计入学时，您的 40 学时须从选修课和认证课程中学满。",
                  "For new, other and titled learners mandatory hours do not count: your 40 hours come from elective and certification courses.");
    }
    var part = group === "mandatory" ? p.mandatory : p.flexible;
    if (part.required_hours > 0 && part.learned_hours >= part.required_hours) {
      return group === "mandatory"
        ? text("本周期必修课 " + part.required_hours + " 学时已学满，再购买的必修课学时不计入。", "This cycle's " + part.required_hours + " mandatory hours are complete: more would not count.")
        : text("本周期选修课和认证课 " + part.required_hours + " 学时已学满，再购买的学时不计入。", "This cycle's " + part.required_hours + " elective and certification hours are complete: more would not count.");
    }
    return null;
  }

  function showWarning(form, warning) {
    var note = form.querySelector(".buy-warning");
    if (!warning) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "buy-warning notice";
      note.setAttribute("role", "note");
      form.insertBefore(note, form.querySelector("button[type=submit]"));
    }
    note.textContent = text("注意：", "Note: ") + warning;
  }

  // Buying hours that would not count takes a second, deliberate choice:
  // `warningFor` answers (a promise of) why not, or null to go straight on.
  function guardPurchase(form, warningFor, go) {
    var asking = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (asking) return;
      Promise.resolve(warningFor()).then(function (warning) {
        if (!warning) { go(); return; }
        asking = document.createElement("div");
        asking.className = "confirm-buy notice";
        asking.setAttribute("role", "group");
        var question = document.createElement("p");
        question.textContent = warning + text(" 确定仍要购买吗？", " Buy them anyway?");
        var yes = document.createElement("button");
        yes.type = "button";
        yes.className = "confirm";
        yes.textContent = text("仍要购买（不计入学时）", "Buy anyway (they will not count)");
        var no = document.createElement("button");
        no.type = "button";
        no.className = "cancel secondary";
        no.textContent = text("不买了", "Cancel");
        function close() { asking.remove(); asking = null; }
        yes.addEventListener("click", function () { close(); go(); });
        no.addEventListener("click", function () {
          close();
          say(form.querySelector(".status"), text("已取消购买。", "Not bought."), true);
        });
        asking.appendChild(question);
        asking.appendChild(yes);
        asking.appendChild(document.createTextNode(" "));
        asking.appendChild(no);
        form.insertBefore(asking, form.querySelector(".status"));
        yes.focus();
      });
    });
  }

  // "Add to cart" on a course or hour page, after the warning when the hours would not count.
  function buyForm(form) {
    var status = form.querySelector(".status");
    // Electives and certification courses fall in the same part of the requirement.
    var group = form.hasAttribute("data-mandatory") ? "mandatory" : "elective";
    // Who is buying decides whether the hours count; asked once, on load,
    // so that the warning stands next to the button before any click.
    var known = token()
      ? api("GET", "/accounts/me").then(function (me) {
          var warning = wouldNotCount(me, group);
          showWarning(form, warning);
          return warning;
        }).catch(function () { return null; })
      : Promise.resolve(null);
    guardPurchase(form, function () { return known; }, function () {
      var count = addToCart({ kind: form.getAttribute("data-buy-kind"), id: form.getAttribute("data-buy"), title: form.getAttribute("data-title") });
      say(status, text("已加入购物车（共 " + count + " 项）。", "Added to the cart (" + count + " items). "), true);
      var checkout = document.createElement("a");
      checkout.href = prefix + "/pay/#cart";
      checkout.textContent = text("去结算", "Check out");
      status.appendChild(checkout);
    });
  }

  var STATUS = {
    valid: ["有效", "Valid"], expired: ["已过期", "Expired"], revoked: ["已撤销", "Revoked"], tampered: ["数据被篡改，无效", "Altered: not valid"]
  };

  function certificateLine(c) {
    var status = STATUS[c.status] || [c.status, c.status];
    var line = c.no + " · " + (zh ? status[0] : status[1]) + " · " + c.hours + text(" 学时 · 有效期至 ", " hours · valid until ") + c.valid_until;
    // Only the owner's own list carries why staff revoked it.
    return c.revocation_reason ? line + text("（撤销原因：" + c.revocation_reason + "）", " (revoked: " + c.revocation_reason + ")") : line;
  }

  // Fetched, not linked: a failure reads as a message on the page, not an
  // error document. The file keeps the name the API gives it.
  function download(url, fallbackName, done, status) {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            throw new Error(zh ? (data.message || "下载失败") : (data.message_en || "Download failed"));
          });
        }
        var named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        return response.blob().then(function (blob) { return { blob: blob, name: named ? named[1] : fallbackName }; });
      })
      .then(function (file) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(file.blob);
        link.download = file.name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        say(status, done, true);
      })
      .catch(function (error) { say(status, error.message, false); });
  }

  function downloadPdf(no, status) {
    download("/api/certificates/" + encodeURIComponent(no) + "/pdf", "certificate-" + no + ".pdf", text("证书已下载。", "Certificate downloaded."), status);
  }

  // 学时证明: the link (My learning) and the form (My certificates) print
  // without JavaScript too; here "nothing learned yet" reads as a message.
  function printRecord(cycle, status) {
    var query = cycle ? "?cycle=" + encodeURIComponent(cycle) : "";
    download("/api/certificates/learning-record" + query, "learning-record.pdf", text("学时证明已下载。", "Learning record downloaded."), status);
  }

  function recordLinks() {
    document.querySelectorAll("a[data-record]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        printRecord("", link.parentNode.querySelector(".status"));
      });
    });
    document.querySelectorAll("form.print-record").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        printRecord(value(form, "cycle"), form.querySelector(".status"));
      });
    });
  }

  function certificates(root) {
    var status = root.querySelector(".status");
    var list = root.querySelector(".certificates");
    if (!token()) { say(status, text("请先登录。", "Please log in first."), false); return; }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (c) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = prefix + c.verify_path;
        link.textContent = certificateLine(c);
        item.appendChild(link);
        if (c.status === "valid" || c.status === "expired") {
          var download = document.createElement("button");
          download.type = "button";
          download.className = "download";
          download.textContent = text("下载 PDF 证书", "Download the PDF");
          download.addEventListener("click", function () { downloadPdf(c.no, status); });
          item.appendChild(download);
        }
        list.appendChild(item);
      });
    }
    var nextStep = root.querySelector(".next-step");
    var filing = root.querySelector("form.filing");
    var overdue = root.querySelector("form.overdue");
    var issue = root.querySelector("p.issue");
    // Only the actions the learner's state allows are offered; the next
    // step says why the others are not (hours missing, staff reviewing…).
    var FILE = ["certificate.not_filed", "certificate.application_rejected", "certificate.application_with_staff", "certificate.expiry_mismatch"];
    var OVERDUE = ["certificate.overdue_renewal_needed", "certificate.overdue_rejected"];
    // What happens next, in the platform's words: every state has one.
    // Holders confirm what is on record; new learners fill in the application form (R16, R19):
    // the form shows once both the step and the kind are known.
    var account = api("GET", "/accounts/me").then(function (me) {
      var kind = me.category === "new" ? "new" : "holder";
      filing.querySelectorAll("[data-for]").forEach(function (part) { part.hidden = part.getAttribute("data-for") !== kind; });
      var record = filing.querySelector(".on-record");
      if (me.kind && me.kind.original_certificate_no) {
        record.textContent = text("原证书编号：", "Certificate number: ") + me.kind.original_certificate_no + text("；到期日：", "; expiry: ") + me.kind.expires_on;
      }
    }).catch(function () {});
    function refreshNextStep() {
      Promise.all([api("GET", "/learning/progress"), account]).then(function (answers) {
        var p = answers[0];
        var code = p.next_step.code;
        filing.hidden = FILE.indexOf(code) < 0;
        overdue.hidden = OVERDUE.indexOf(code) < 0;
        issue.hidden = code !== "certificate.ready";
        nextStep.textContent = text("第 ", "Cycle ") + p.cycle + text(" 个学习周期（", " (") + p.cycle_start + " – " + p.cycle_end + text("）：", "): ") + (zh ? p.next_step.message : p.next_step.message_en);
      }).catch(function () {});
    }
    refreshNextStep();
    api("GET", "/certificates/mine").then(function (answer) { show(answer.certificates); });
    filing.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!forms.check(filing)) return;
      var body = {};
      ["employer", "position", "education", "phone", "note"].forEach(function (field) {
        if (value(filing, field)) body[field] = value(filing, field);
      });
      api("POST", "/certificates/filing", body).then(function () {
        forms.clear(filing);
        say(status, text("已提交，协会受理前可重新提交更正。", "Filed; you can file again to correct it until the association accepts it."), true);
        refreshNextStep();
      }).catch(function (error) {
        if (error.fields.length) forms.showErrors(filing, error); else say(status, error.message, false);
      });
    });
    overdue.addEventListener("submit", function (event) {
      event.preventDefault();
      var overdueStatus = overdue.querySelector(".status");
      if (!forms.check(overdue)) return;
      api("POST", "/certificates/overdue-renewal", { original_certificate_no: value(overdue, "original_certificate_no"), expires_on: value(overdue, "expires_on") }).then(function () {
        forms.clear(overdue);
        say(overdueStatus, text("超期换证申请已提交，协会办结后证书会出现在上方。", "Filed; the certificate appears above once the association is done."), true);
        refreshNextStep();
      }).catch(function (error) { forms.showErrors(overdue, error); });
    });
    root.querySelector("button.issue").addEventListener("click", function () {
      api("POST", "/certificates/issue", {}).then(function (c) {
        // Asked again, the cycle's certificate answers as it stands: perhaps revoked since.
        if (c.status === "valid") say(status, text("证书已签发：", "Certificate issued: ") + c.no, true);
        else say(status, text("本周期的证书 ", "This cycle's certificate ") + c.no + text(" 状态：", " is ") + (zh ? (STATUS[c.status] || [c.status])[0] : (STATUS[c.status] || [c.status, c.status])[1]) + text("。如有疑问请联系协会。", ". Ask the association if in doubt."), false);
        refreshNextStep();
        return api("GET", "/certificates/mine").then(function (answer) { show(answer.certificates); });
      }).catch(function (error) { say(status, error.message, false); });
    });
  }

  function fromBase64Url(part) {
    var binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // The token in the QR link is an EdDSA JWT over the certificate's public
  // fields: checked here against the published key, it needs no database.
  function checkSignature(jwt, out) {
    if (!out) return;
    var parts = jwt.split(".");
    var claims, header;
    try {
      header = JSON.parse(new TextDecoder().decode(fromBase64Url(parts[0])));
      claims = JSON.parse(new TextDecoder().decode(fromBase64Url(parts[1])));
    } catch (e) { out.textContent = text("链接中的签名无法读取。", "The link's signature cannot be read."); out.className = "signature bad"; return; }
    if (!window.crypto || !crypto.subtle || parts.length !== 3) { out.textContent = text("此浏览器不能核验签名。", "This browser cannot check signatures."); return; }
    fetch("/.well-known/jwks.json").then(function (r) { return r.json(); }).then(function (jwks) {
      var key = (jwks.keys || []).filter(function (k) { return k.kid === header.kid; })[0];
      if (!key) throw new Error("no key");
      return crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x }, { name: "Ed25519" }, false, ["verify"]);
    }).then(function (key) {
      return crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64Url(parts[2]), new TextEncoder().encode(parts[0] + "." + parts[1]));
    }).then(function (valid) {
      out.className = "signature " + (valid ? "ok" : "bad");
      out.textContent = valid
        ? text("协会签名有效：", "Signed by the association: ") + claims.sub + " · " + claims.name + " · " + claims.hours + text(" 学时 · 有效期至 ", " hours · valid until ") + claims.valid_until
        : text("签名无效：链接中的证书数据被改动过。", "Invalid signature: the certificate data in the link was changed.");
    }).catch(function () { out.textContent = text("暂时无法核验签名。", "The signature cannot be checked right now."); });
  }

  // The QR link's `s` (links since 2026-12) is the bare Ed25519 signature of
  // the certificate's public fields, one a line after a version line
  // (`signed_text` in functions/certificates/src/views.rs): rebuilt here from
  // the public answer and checked against each published key, so a short
  // link proves as much as the JWT of older links.
  function checkDetached(signature, c, out) {
    if (!out) return;
    var bad = function () { out.className = "signature bad"; out.textContent = text("签名无效：证书数据与协会签名不符。", "Invalid signature: the certificate data does not match the association's signature."); };
    var bytes;
    try { bytes = fromBase64Url(signature); } catch (e) { bad(); return; }
    if (!window.crypto || !crypto.subtle) { out.textContent = text("此浏览器不能核验签名。", "This browser cannot check signatures."); return; }
    var message = new TextEncoder().encode(["ticedu-certificate-v1", c.no, c.name, c.category, String(c.hours), c.cycle_start, c.cycle_end, c.issued_on, c.valid_until].join("\n"));
    fetch("/.well-known/jwks.json").then(function (r) { return r.json(); }).then(function (jwks) {
      return Promise.all((jwks.keys || []).map(function (key) {
        return crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x }, { name: "Ed25519" }, false, ["verify"])
          .then(function (k) { return crypto.subtle.verify({ name: "Ed25519" }, k, bytes, message); })
          .catch(function () { return false; });
      }));
    }).then(function (results) {
      if (results.indexOf(true) < 0) { bad(); return; }
      out.className = "signature ok";
      out.textContent = text("协会签名有效：", "Signed by the association: ") + c.no + " · " + c.name + " · " + c.hours + text(" 学时 · 有效期至 ", " hours · valid until ") + c.valid_until;
    }).catch(function () { out.textContent = text("暂时无法核验签名。", "The signature cannot be checked right now."); });
  }

  function verify(form) {
    var result = form.querySelector(".result");
    function run() {
      // As people type it from paper: any case, spaces anywhere.
      var no = value(form, "no").replace(/\s+/g, "").toUpperCase();
      if (!no) return;
      form.elements.no.value = no;
      var query = value(form, "name") ? "?name=" + encodeURIComponent(value(form, "name")) : "";
      api("GET", "/certificates/verify/" + encodeURIComponent(no) + query).then(function (c) {
        var status = STATUS[c.status] || [c.status, c.status];
        result.innerHTML = "";
        var heading = document.createElement("p");
        heading.className = "verdict " + c.status;
        heading.textContent = zh ? status[0] : status[1];
        var details = document.createElement("p");
        details.textContent = c.no + " · " + c.name + " · " + (zh ? c.kind : c.kind_en) + " · " + c.hours + text(" 学时 · 周期 ", " hours · cycle ") + c.cycle_start + " – " + c.cycle_end + text(" · 签发 ", " · issued ") + c.issued_on + text(" · 有效期至 ", " · valid until ") + c.valid_until;
        result.appendChild(heading);
        result.appendChild(details);
        if (params.get("s") && c.no === params.get("no")) checkDetached(params.get("s"), c, form.querySelector(".signature"));
        if (c.revoked_on) {
          var revoked = document.createElement("p");
          revoked.textContent = text("该证书已于 " + c.revoked_on + " 被协会撤销，不再有效。", "The association revoked this certificate on " + c.revoked_on + "; it is no longer valid.");
          result.appendChild(revoked);
        }
      }).catch(function (error) { result.textContent = error.message; });
    }
    var params = new URLSearchParams(location.search);
    // The other language's page opens the same certificate.
    var otherLanguage = document.querySelector("header.top nav a[lang]");
    if (otherLanguage && location.search) otherLanguage.href = otherLanguage.pathname + location.search;
    if (params.get("t")) checkSignature(params.get("t"), form.querySelector(".signature"));
    if (params.get("no")) { form.elements.no.value = params.get("no"); run(); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // An empty number is said beside its field, not answered with silence.
      if (forms.check(form)) run();
    });
  }

  // A learning record's QR link (`r`, `n`, `c`, `h`, `q`, `d`, `s`: the
  // record's public fields and the association's signature over them): the
  // API checks the signature against the published keys; nothing is looked up.
  function verifyRecord(section) {
    var params = new URLSearchParams(location.search);
    if (!params.get("r")) return;
    section.hidden = false;
    var result = section.querySelector(".result");
    var verdict = document.createElement("p");
    api("GET", "/certificates/learning-record/verify?" + location.search.slice(1)).then(function (r) {
      verdict.className = "verdict valid";
      verdict.textContent = text("协会出具的学时证明，内容未被改动", "Issued by the association, unaltered");
      var details = document.createElement("p");
      details.textContent = r.no + " · " + r.name + text(" · 周期 ", " · cycle ") + r.cycle_start + " – " + r.cycle_end + text(" · 计入学时 ", " · hours counted ") + r.counted_hours + " / " + r.required_hours + text(" · 出具日期 ", " · issued ") + r.issued_on;
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = text("学时证明列出截至出具日期已学的学时，此后学的不在其中；逐个学时的时间以纸面为准。", "A learning record lists the hours learned up to its issue date, none after; the time of each hour is on the paper.");
      result.innerHTML = "";
      [verdict, details, note].forEach(function (part) { result.appendChild(part); });
    }).catch(function (error) {
      verdict.className = "verdict unverifiable";
      verdict.textContent = text("无法核验", "Cannot be verified");
      var reason = document.createElement("p");
      reason.textContent = error.message;
      result.innerHTML = "";
      result.appendChild(verdict);
      result.appendChild(reason);
    });
  }

  // Every learner page says who is logged in, behind the avatar (the
  // guide's "点头像 → 账户中心"), with log-out; or offers to log in.
  function accountMenu() {
    var header = document.querySelector("header.top");
    if (!header) return;
    var place = document.createElement("div");
    place.className = "who";
    header.appendChild(place);
    function offerLogin() {
      place.textContent = "";
      var link = document.createElement("a");
      link.href = prefix + "/login/";
      link.textContent = text("登录", "Log in");
      place.appendChild(link);
    }
    if (!token()) { offerLogin(); return; }
    api("GET", "/accounts/me").then(function (me) {
      place.textContent = "";
      var menu = document.createElement("details");
      menu.className = "account-menu";
      var avatar = document.createElement("summary");
      avatar.className = "avatar";
      var initial = document.createElement("span");
      initial.className = "initial";
      initial.setAttribute("aria-hidden", "true");
      initial.textContent = me.name_masked.charAt(0);
      avatar.appendChild(initial);
      avatar.appendChild(document.createTextNode(" " + me.name_masked));
      // Named by what it shows (an aria-label other than the visible name fails WCAG 2.5.3), plus what it opens.
      var opens = document.createElement("span");
      opens.className = "visually-hidden";
      // "头像" is the guide's word for it ("点头像 → 账户中心").
      opens.textContent = text("（头像，账户菜单）", " (avatar, account menu)");
      avatar.appendChild(opens);
      menu.appendChild(avatar);
      var centre = document.createElement("a");
      centre.href = prefix + "/account/";
      centre.textContent = text("账户中心", "Account centre");
      menu.appendChild(centre);
      var out = document.createElement("button");
      out.type = "button";
      out.className = "logout secondary";
      out.textContent = text("退出登录", "Log out");
      out.addEventListener("click", logOut);
      menu.appendChild(out);
      place.appendChild(menu);
    }).catch(offerLogin);
  }

  // The server ends the session; the cookies go with its answer.
  function logOut() {
    api("POST", "/accounts/logout").catch(function () {}).then(function () {
      forgetSession();
      // The cart lives in localStorage: on a shared computer it must not pass to the next learner.
      localStorage.removeItem("ticedu.cart");
      location.href = prefix + "/login/?out=1";
    });
  }

  // What account.js (the account centre) shares with these pages.
  window.ticedu = { api: api, forms: forms, say: say, text: text, value: value, yuan: yuan, orderState: orderState, token: token, logOut: logOut, prefix: prefix, zh: zh };

  var apps = { register: register, login: login, recover: recover, learning: learning, pay: pay, search: search, certificates: certificates, verify: verify, "verify-record": verifyRecord };
  accountMenu();
  recordLinks();
  document.querySelectorAll("[data-app]").forEach(function (element) { var app = apps[element.getAttribute("data-app")]; if (app) app(element); });
  document.querySelectorAll("[data-lesson]").forEach(lessonTime);
  document.querySelectorAll("form[data-mark]").forEach(markForm);
  document.querySelectorAll("form[data-buy]").forEach(buyForm);
})();
