//! What keeps the deployment running and honest: backups that outlive
//! point-in-time recovery, alarms on the metrics that matter, a budget,
//! the API reachable only through CloudFront, a real 404 page that leaves
//! the API's own errors alone, and an upload order that never shows a page
//! without its assets or the certificate key missing.

use serde_json::{Value, json};
use ticedu_api::origin;

use super::{
    distribution_config, functions, of_type, only_if, read_template, resources, template, workspace,
};

/// Every alarm's metric names: its own, or those of its metric math.
fn alarmed_metrics(template: &Value) -> Vec<(String, String)> {
    let mut metrics = Vec::new();
    for (name, alarm) in of_type(template, "AWS::CloudWatch::Alarm") {
        let properties = &alarm["Properties"];
        if let Some(metric) = properties["MetricName"].as_str() {
            metrics.push((name.to_owned(), metric.to_owned()));
        }
        for query in properties["Metrics"].as_array().into_iter().flatten() {
            if let Some(metric) = query["MetricStat"]["Metric"]["MetricName"].as_str() {
                metrics.push((name.to_owned(), metric.to_owned()));
            }
        }
    }
    metrics
}

fn alarm_of(template: &Value, metric: &str) -> String {
    alarmed_metrics(template)
        .into_iter()
        .find(|(_, name)| name == metric)
        .map(|(alarm, _)| alarm)
        .unwrap_or_else(|| panic!("no alarm watches {metric}"))
}

#[test]
fn the_table_is_backed_up_daily_and_monthly_for_ten_years() {
    let template = template();
    let selections = of_type(&template, "AWS::Backup::BackupSelection");
    let (_, selection) = selections
        .iter()
        .find(|(_, selection)| {
            selection["Properties"]["BackupSelection"]["Resources"]
                .as_array()
                .is_some_and(|arns| arns.contains(&json!({"Fn::GetAtt": ["Table", "Arn"]})))
        })
        .expect("a backup selection names the table");
    let plan_name = selection["Properties"]["BackupPlanId"]["Ref"]
        .as_str()
        .expect("the selection's plan is in the template");
    let rules = resources(&template)[plan_name]["Properties"]["BackupPlan"]["BackupPlanRule"]
        .as_array()
        .expect("the plan has rules");
    let kept = |schedule: &dyn Fn(&str) -> bool| {
        rules
            .iter()
            .filter(|rule| rule["ScheduleExpression"].as_str().is_some_and(schedule))
            .filter_map(|rule| rule["Lifecycle"]["DeleteAfterDays"].as_u64())
            .max()
    };
    let daily = kept(&|cron| cron.ends_with("* * ? *)"));
    let monthly = kept(&|cron| cron.ends_with(" 1 * ? *)"));
    assert!(
        daily >= Some(35),
        "daily backups kept at least as long as PITR: {daily:?}"
    );
    assert!(
        monthly >= Some(3650),
        "monthly backups kept 10 years: {monthly:?}"
    );

    let vault = &resources(&template)["BackupVault"];
    assert_eq!(
        vault["DeletionPolicy"], "Retain",
        "deleting the stack keeps the backups"
    );
    for rule in rules {
        assert_eq!(rule["TargetBackupVault"], json!({"Ref": "BackupVault"}));
    }
}

#[test]
fn alarms_watch_the_table_the_api_and_log_ins() {
    let template = template();
    for metric in [
        "ThrottledRequests",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "SystemErrors",
        "Latency",
        "LoginFailures",
        "StaffLoginFailures",
        "NumberOfBackupJobsFailed",
    ] {
        let alarm = alarm_of(&template, metric);
        assert_eq!(
            resources(&template)[&alarm]["Properties"]["AlarmActions"],
            json!([{"Ref": "AlarmTopic"}]),
            "{alarm} tells the alarm topic"
        );
    }
    let latency = &resources(&template)[&alarm_of(&template, "Latency")]["Properties"];
    assert_eq!(latency["ExtendedStatistic"], "p99");
    assert_eq!(latency["Namespace"], "AWS/ApiGateway");

    // The log-in filters match the line the code writes, in the JSON the
    // functions log (tracing's `fields.message`).
    let login = std::fs::read_to_string(workspace().join("functions/api/src/login.rs")).unwrap();
    assert!(login.contains(r#"tracing::info!(failures, "login failed")"#));
    for (group, metric) in [
        ("AccountsLogs", "LoginFailures"),
        ("AdminLogs", "StaffLoginFailures"),
    ] {
        let filter = of_type(&template, "AWS::Logs::MetricFilter")
            .into_iter()
            .find(|(_, filter)| {
                filter["Properties"]["MetricTransformations"][0]["MetricName"] == metric
            })
            .unwrap_or_else(|| panic!("a metric filter counts {metric}"))
            .1;
        assert_eq!(filter["Properties"]["LogGroupName"], json!({"Ref": group}));
        assert_eq!(
            filter["Properties"]["FilterPattern"],
            r#"{ $.fields.message = "login failed" }"#
        );
    }

    // CloudFront's metrics exist in us-east-1 only: its alarm is in edge.yaml.
    let edge = read_template("infra/edge.yaml");
    let alarm = alarm_of(&edge, "5xxErrorRate");
    assert_eq!(
        resources(&edge)[&alarm]["Properties"]["AlarmActions"],
        json!([{"Ref": "AlarmTopic"}])
    );
}

#[test]
fn a_budget_warns_the_alarm_address_at_the_monthly_amount() {
    let template = template();
    let budgets = of_type(&template, "AWS::Budgets::Budget");
    let [(_, budget)] = budgets.as_slice() else {
        panic!("one budget: {budgets:?}");
    };
    assert_eq!(budget["Condition"], "HasBudget");
    let properties = &budget["Properties"];
    assert_eq!(properties["Budget"]["TimeUnit"], "MONTHLY");
    assert_eq!(
        properties["Budget"]["BudgetLimit"]["Amount"],
        json!({"Ref": "MonthlyBudget"})
    );
    let notifications = properties["NotificationsWithSubscribers"]
        .as_array()
        .unwrap();
    assert!(!notifications.is_empty());
    for notification in notifications {
        assert_eq!(
            notification["Subscribers"],
            json!([{"SubscriptionType": "EMAIL", "Address": {"Ref": "AlarmEmail"}}])
        );
    }
}

#[test]
fn cloudfront_sends_the_origin_secret_the_functions_require() {
    let template = template();
    let config = distribution_config(&template);
    let api = config["Origins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|origin| origin["Id"] == "api")
        .expect("the API origin");
    let headers = api["OriginCustomHeaders"]
        .as_array()
        .expect("custom headers");
    let [header] = headers.as_slice() else {
        panic!("one custom header: {headers:?}");
    };
    assert_eq!(header["HeaderName"], origin::HEADER);
    assert_eq!(
        header["HeaderValue"],
        json!({"Fn::Sub": format!(
            "{{{{resolve:secretsmanager:${{OriginSecretArn}}:SecretString:{}}}}}",
            origin::SECRET
        )}),
        "the value is the origin secret's, which every function reads"
    );

    // Every function reads the origin secret and must find the value there.
    assert_eq!(
        template["Globals"]["Function"]["Environment"]["Variables"][origin::REQUIRE],
        "true"
    );
    for (name, _, function) in functions(&template) {
        let variables = &function["Properties"]["Environment"]["Variables"];
        assert!(
            variables.get(origin::REQUIRE).is_none(),
            "{name} keeps the requirement"
        );
        if let Some(arns) = variables.get("TICEDU_SECRET_ARNS") {
            assert!(
                arns.to_string().contains("OriginSecretArn"),
                "{name} reads the origin secret: {arns}"
            );
        }
    }

    // The execute-api address invites going around CloudFront: not an output.
    let outputs = template["Outputs"].to_string();
    assert!(!outputs.contains("execute-api"), "{outputs}");
}

#[test]
fn a_missing_page_gets_the_404_page_and_the_api_keeps_its_errors() {
    let template = template();
    let config = distribution_config(&template);
    // Custom error responses would apply to the API's 403/404 too.
    assert!(config.get("CustomErrorResponses").is_none());

    let functions = only_if(
        &config["DefaultCacheBehavior"]["FunctionAssociations"],
        "NotChina",
        "the site's functions",
    );
    let function = |event: &str| -> String {
        let association = functions
            .as_array()
            .unwrap()
            .iter()
            .find(|association| association["EventType"] == event)
            .unwrap_or_else(|| panic!("a {event} function on the site"));
        let name = association["FunctionARN"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap();
        let code = &resources(&template)[name]["Properties"]["FunctionCode"];
        code.as_str()
            .or_else(|| code["Fn::Sub"].as_str())
            .unwrap()
            .to_owned()
    };
    assert!(function("viewer-request").contains("request.uri = '/404.html'"));
    assert!(function("viewer-response").contains("x-amz-meta-ticedu-not-found"));

    let script = std::fs::read_to_string(workspace().join("infra/upload-site.sh")).unwrap();
    assert!(script.contains("404.html\" --metadata ticedu-not-found=1"));
    assert!(script.contains("infra/site-keys.py"));
    assert!(workspace().join("site/templates/404.html").exists());
}

#[test]
fn the_upload_sends_the_key_and_assets_before_pages_and_deletes_last() {
    let script = std::fs::read_to_string(workspace().join("infra/upload-site.sh")).unwrap();
    // Whole commands (continuation lines joined) that write the site bucket.
    let commands: Vec<String> = script
        .replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("aws s3") && line.contains("s3://$bucket/"))
        .map(str::to_owned)
        .collect();
    let position = |what: &str, test: &dyn Fn(&str) -> bool| {
        commands
            .iter()
            .position(|command| test(command))
            .unwrap_or_else(|| panic!("no command uploads {what}: {commands:#?}"))
    };
    let key = position("jwks.json", &|c| {
        c.contains(".well-known/jwks.json") && c.starts_with("aws s3 cp")
    });
    let assets = position("assets", &|c| c.contains("--include '*.css'"));
    let pages = position("pages", &|c| c.contains("--include '*.html'"));
    let delete = position("deletions", &|c| c.contains("--delete"));
    assert!(
        key < assets && assets < pages && pages < delete,
        "{commands:#?}"
    );
    for command in commands.iter().filter(|c| c.contains("--delete")) {
        assert!(
            command.contains("--exclude '.well-known/jwks.json'"),
            "a deletion never removes the certificate key: {command}"
        );
    }
    assert_eq!(
        commands.iter().filter(|c| c.contains("--delete")).count(),
        1,
        "one deletion, after every upload"
    );
}
