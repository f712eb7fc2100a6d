//! The SAM template (`infra/template.yaml`) held to the code it deploys:
//! the API routes are exactly the OpenAPI document's, each served by the
//! function whose router has it; the public routes are throttled; every
//! function's IAM names only the DynamoDB actions (and the index) that the
//! DynamoDB adapter sends for the store traits the function is typed
//! against; the table is the one `table.rs` defines; ARNs use the partition;
//! lesson media is private, read only through the distribution, served only
//! to signed URLs under a path-only cache key, and signed for by the
//! learning function alone.
//!
//! The template is read as JSON through Python's PyYAML (CloudFormation's
//! short tags become `{"Ref": …}` / `{"Fn::…": …}`), so the workspace needs
//! no YAML crate; `infra/validate.sh` installs cfn-lint, which brings PyYAML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use ticedu_store_dynamodb::table;

mod operations;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_owned()
}

/// YAML → JSON, with `!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` →
/// `{"Fn::GetAtt": ["A", "B"]}`, `!Condition C` → `{"Condition": "C"}` and
/// every other `!Name v` → `{"Fn::Name": v}`.
const YAML_TO_JSON: &str = r#"
import json, sys, yaml

class Loader(yaml.SafeLoader):
    pass

def short_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}

Loader.add_multi_constructor("!", short_tag)
with open(sys.argv[1], encoding="utf-8") as f:
    json.dump(yaml.load(f, Loader=Loader), sys.stdout)
"#;

fn template() -> Value {
    read_template("infra/template.yaml")
}

/// A template of `infra/` (relative to the workspace), as JSON.
fn read_template(relative: &str) -> Value {
    let path = workspace().join(relative);
    let output = Command::new("python3")
        .arg("-c")
        .arg(YAML_TO_JSON)
        .arg(&path)
        .output()
        .expect("python3 runs (the test command needs Python 3)");
    assert!(
        output.status.success(),
        "reading {} with PyYAML failed (bash infra/validate.sh installs it with cfn-lint):\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("PyYAML's output is JSON")
}

fn resources(template: &Value) -> &serde_json::Map<String, Value> {
    template["Resources"]
        .as_object()
        .expect("the template has Resources")
}

fn of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    resources(template)
        .iter()
        .filter(|(_, resource)| resource["Type"] == kind)
        .map(|(name, resource)| (name.as_str(), resource))
        .collect()
}

/// The functions: (logical id, binary name, resource).
fn functions(template: &Value) -> Vec<(&str, String, &Value)> {
    of_type(template, "AWS::Serverless::Function")
        .into_iter()
        .map(|(name, function)| {
            let binary = function["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_else(|| {
                    panic!("{name}: Metadata.BuildProperties.Binary names its binary")
                })
                .to_owned();
            (name, binary, function)
        })
        .collect()
}

/// Which function's router serves a path, by its prefix.
fn function_of_path(path: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 6] = [
        ("/api/accounts/", "accounts"),
        ("/api/years/", "accounts"),
        ("/api/learning/", "learning"),
        ("/api/payments/", "payments"),
        ("/api/staff/", "admin"),
        ("/api/certificates/", "certificates"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, function)| *function)
        .unwrap_or_else(|| {
            panic!("{path}: no function serves this prefix; add it here and to the template")
        })
}

type Route = (String, String);

/// Every (METHOD, path) of the OpenAPI document, with whether it needs a token.
fn openapi_routes() -> BTreeMap<Route, bool> {
    let document = serde_json::to_value(ticedu_local::openapi()).expect("serialisable");
    let mut routes = BTreeMap::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(operation) = item.get(method) {
                let secured = operation
                    .get("security")
                    .and_then(Value::as_array)
                    .is_some_and(|requirements| !requirements.is_empty());
                routes.insert((method.to_uppercase(), path.clone()), secured);
            }
        }
    }
    routes
}

fn template_routes(template: &Value) -> BTreeMap<Route, String> {
    let mut routes = BTreeMap::new();
    for (name, binary, function) in functions(template) {
        let events = function["Properties"]["Events"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} has Events"));
        for (event, spec) in events {
            // The one other event: the daily reconciliation's schedule (tested below).
            if binary == "payments" && spec["Type"] == "ScheduleV2" {
                continue;
            }
            assert_eq!(
                spec["Type"], "HttpApi",
                "{name}.{event}: HttpApi events only"
            );
            let properties = &spec["Properties"];
            assert_eq!(
                properties["ApiId"],
                json!({"Ref": "HttpApi"}),
                "{name}.{event}: on the stack's HttpApi"
            );
            let method = properties["Method"]
                .as_str()
                .expect("Method")
                .to_uppercase();
            let path = properties["Path"].as_str().expect("Path").to_owned();
            let earlier = routes.insert((method.clone(), path.clone()), binary.clone());
            assert!(earlier.is_none(), "{method} {path} is routed twice");
        }
    }
    routes
}

#[test]
fn the_payments_function_reconciles_yesterdays_bill_every_morning_china_time() {
    let template = template();
    let schedules: Vec<(String, Value)> = functions(&template)
        .into_iter()
        .flat_map(|(name, _, function)| {
            function["Properties"]["Events"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, spec)| spec["Type"] != "HttpApi")
                .map(|(_, spec)| (name.to_owned(), spec.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(schedules.len(), 1, "one scheduled event: {schedules:?}");
    let (name, spec) = &schedules[0];
    assert_eq!(name, "PaymentsFunction", "where WeChat Pay's keys are");
    assert_eq!(spec["Type"], "ScheduleV2");
    let properties = &spec["Properties"];
    assert_eq!(properties["ScheduleExpressionTimezone"], "Asia/Shanghai");
    // Bills are ready after about 09:00 China time.
    assert_eq!(properties["ScheduleExpression"], "cron(0 10 * * ? *)");
    let input: Value =
        serde_json::from_str(properties["Input"].as_str().expect("Input")).expect("JSON input");
    assert_eq!(
        input,
        json!({ "job": ticedu_payments::reconciliation::RECONCILE_JOB })
    );
}

#[test]
fn the_api_routes_are_the_openapi_documents() {
    let template = template();
    let openapi: BTreeSet<Route> = openapi_routes().into_keys().collect();
    let routed = template_routes(&template);
    let in_template: BTreeSet<Route> = routed.keys().cloned().collect();
    let missing: Vec<_> = openapi.difference(&in_template).collect();
    let extra: Vec<_> = in_template.difference(&openapi).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "infra/template.yaml's HttpApi events differ from the OpenAPI document:\n  \
         in the document, not the template: {missing:?}\n  in the template, not the document: {extra:?}"
    );
    for ((method, path), binary) in &routed {
        assert_eq!(
            binary,
            function_of_path(path),
            "{method} {path} goes to the wrong function"
        );
    }
}

#[test]
fn the_public_routes_are_throttled() {
    let template = template();
    let api = &resources(&template)["HttpApi"];
    assert_eq!(api["Type"], "AWS::Serverless::HttpApi");
    let properties = &api["Properties"];
    let default_rate = properties["DefaultRouteSettings"]["ThrottlingRateLimit"]
        .as_f64()
        .expect("a default rate limit for every route");
    assert!(properties["DefaultRouteSettings"]["ThrottlingBurstLimit"].is_number());
    let settings = properties["RouteSettings"]
        .as_object()
        .expect("RouteSettings");
    let routes = openapi_routes();
    for key in settings.keys() {
        let (method, path) = key.split_once(' ').expect("route key is `METHOD /path`");
        assert!(
            routes.contains_key(&(method.to_owned(), path.to_owned())),
            "RouteSettings names {key}, which is no route"
        );
    }
    let public: Vec<_> = routes.iter().filter(|(_, secured)| !**secured).collect();
    assert!(
        public.len() >= 5,
        "register, log in, staff log in, verify and the payment notice are public: {public:?}"
    );
    for ((method, path), _) in public {
        let key = format!("{method} {path}");
        let setting = settings
            .get(&key)
            .unwrap_or_else(|| panic!("public route {key} has no RouteSettings throttling"));
        let rate = setting["ThrottlingRateLimit"]
            .as_f64()
            .unwrap_or_else(|| panic!("{key}: ThrottlingRateLimit"));
        assert!(
            setting["ThrottlingBurstLimit"].is_number(),
            "{key}: ThrottlingBurstLimit"
        );
        assert!(
            rate < default_rate,
            "{key}: a public route is throttled below the default"
        );
    }
}

/// The DynamoDB actions the adapter (`functions/store-dynamodb/src/`)
/// sends for each store trait: item actions on the table (transaction items
/// are authorised as PutItem / UpdateItem / DeleteItem / ConditionCheckItem),
/// and whether it queries the table and the gsi1 index. Revisit when the
/// adapter changes; `the_adapter_sends_only_known_requests` notices new kinds.
fn store_trait_needs(name: &str) -> (&'static [&'static str], bool, bool) {
    const GET: &str = "dynamodb:GetItem";
    const PUT: &str = "dynamodb:PutItem";
    const UPDATE: &str = "dynamodb:UpdateItem";
    const DELETE: &str = "dynamodb:DeleteItem";
    const CHECK: &str = "dynamodb:ConditionCheckItem";
    const SCAN: &str = "dynamodb:Scan";
    match name {
        // create (Put ×3, ConditionCheck prior record), by id / username (Get), password / returning (Update)
        "LearnerStore" => (&[GET, PUT, UPDATE, CHECK], false, false),
        // Query LEDGER#
        "LedgerStore" => (&[], true, false),
        // issue (Put), card (Get), list (gsi1), void (Update, Get), redeem (Update, Put, Get)
        "CardStore" => (&[GET, PUT, UPDATE], false, true),
        // purchase / create / apply (Put, Update, ConditionCheck, Get), orders_of (gsi1), enrollments (Query)
        "OrderStore" => (&[GET, PUT, UPDATE, CHECK], true, true),
        // mark (Get open lesson and banked time, ConditionCheck, Put, Update), open lesson
        // (Get ×2, Update ×2), lesson time (Get), marks (Query)
        "ProgressStore" => (&[GET, PUT, UPDATE, CHECK], true, false),
        // file (ConditionCheck, Put), read (Get), title check (Update), queue (gsi1)
        "FilingStore" => (&[GET, PUT, UPDATE, CHECK], false, true),
        // issue (Put, ConditionCheck), read (Get), mine (gsi1), revoke (Update, Get)
        "CertificateStore" => (&[GET, PUT, UPDATE, CHECK], false, true),
        // request (Put, Update), read (Get), by status (gsi1), issued (Update, Get)
        "InvoiceStore" => (&[GET, PUT, UPDATE], false, true),
        // import (Get account, Put, ConditionCheck, Update ×2), prior record (Get)
        "ImportStore" => (&[GET, PUT, UPDATE, CHECK], false, false),
        // failure (Update ADD), count (Get), clear (Delete)
        "LoginThrottleStore" => (&[GET, UPDATE, DELETE], false, false),
        // count a use (Update ADD)
        "RateLimitStore" => (&[UPDATE], false, false),
        // start (Put), read (Get), end (Delete)
        "SessionStore" => (&[GET, PUT, DELETE], false, false),
        // save (Put), try (Get, Update ADD / Update code and profile)
        "RecoveryStore" => (&[GET, PUT, UPDATE], false, false),
        // stored years / changes (Query YEARS, YEARS#CHANGES), save (Put year, Put change)
        "YearStore" => (&[PUT], true, false),
        // account (Get), accounts (Query STAFF), create / bootstrap / save (Put ×2–3)
        "StaffStore" => (&[GET, PUT], true, false),
        // record (Put), whole trail (Query AUDIT), a learner's (gsi1)
        "AuditStore" => (&[PUT], true, true),
        // by key (Query LOOKUP#), index (Get, Update profile, Put / Delete entries), the learners
        // stored before the index (Scan, once per deployment)
        "LookupStore" => (&[GET, PUT, UPDATE, DELETE, SCAN], true, false),
        // save a report (Put), resolve (Put resolution, Put audit entry), a day's report
        // (Query RECON#), the day's applied payments (gsi1 PAID#)
        "ReconciliationStore" => (&[PUT], true, true),
        other => panic!(
            "store trait {other}: add the DynamoDB actions its adapter sends to tests/infra.rs"
        ),
    }
}

/// The store traits in the `pub trait …Store: A + B + …` bound of a function's lib.rs.
fn store_bound(binary: &str) -> Vec<String> {
    let path = workspace().join(format!("functions/{binary}/src/lib.rs"));
    let source = std::fs::read_to_string(&path).expect("the function's lib.rs");
    let start = source
        .find("pub trait ")
        .and_then(|at| {
            let rest = &source[at..];
            let colon = rest.find(':')?;
            rest[..colon]
                .trim_end()
                .ends_with("Store")
                .then_some(at + colon + 1)
        })
        .unwrap_or_else(|| panic!("{}: no `pub trait …Store:` bound", path.display()));
    let end = start + source[start..].find('{').expect("the bound ends with {");
    source[start..end]
        .split('+')
        .map(str::trim)
        .filter(|name| name.ends_with("Store"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_adapter_sends_only_known_requests() {
    // Every module of the adapter, read as one text: the requests are made in
    // its capability modules and its shared request helpers.
    let folder = workspace().join("functions/store-dynamodb/src");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    let source: String = files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let compact: String = source.split_whitespace().collect();
    let mut requests = BTreeSet::new();
    for (at, _) in compact.match_indices(".client.") {
        let rest = &compact[at + ".client.".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        requests.insert(rest[..end].to_owned());
    }
    let known: BTreeSet<String> = [
        "get_item",
        "query",
        "update_item",
        "delete_item",
        // Sessions and recovery codes: a fresh random id, or a replacement, written whole.
        "put_item",
        "transact_write_items",
        // LookupStore::unindexed_learners, once per deployment.
        "scan",
    ]
    .map(str::to_owned)
    .into();
    assert!(
        requests.is_subset(&known),
        "the DynamoDB adapter sends {requests:?}; revisit store_trait_needs in tests/infra.rs for the new ones"
    );
    // Transactions delete only in LookupStore::index_lookups (DeleteItem is granted with it).
    for item in [
        "Put::builder",
        "Update::builder",
        "ConditionCheck::builder",
        "Delete::builder",
    ] {
        assert!(
            compact.contains(item),
            "{item} is no longer used: revisit store_trait_needs"
        );
    }
}

fn strings(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// A resource reference, with `Fn::If` branches flattened.
fn resources_of(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.iter().flat_map(resources_of).collect(),
        Value::Object(map) if map.contains_key("Fn::If") => map["Fn::If"].as_array().unwrap()[1..]
            .iter()
            .flat_map(resources_of)
            .collect(),
        other => vec![other.clone()],
    }
}

#[test]
fn every_function_has_least_privilege() {
    let template = template();
    let table_arn = json!({"Fn::GetAtt": ["Table", "Arn"]});
    let index_arn = json!({"Fn::Sub": format!("${{Table.Arn}}/index/{}", table::GSI1)});
    let functions = functions(&template);
    assert_eq!(
        functions
            .iter()
            .map(|(_, binary, _)| binary.as_str())
            .collect::<BTreeSet<_>>(),
        BTreeSet::from(["accounts", "learning", "payments", "admin", "certificates"]),
    );
    for (name, binary, function) in functions {
        let bound = store_bound(&binary);
        let mut item_actions = BTreeSet::new();
        let (mut table_query, mut index_query) = (false, false);
        for store in &bound {
            let (actions, table, index) = store_trait_needs(store);
            item_actions.extend(actions.iter().map(|action| action.to_string()));
            table_query |= table;
            index_query |= index;
        }
        let mut expected_query = BTreeSet::new();
        if table_query {
            expected_query.insert(table_arn.to_string());
        }
        if index_query {
            expected_query.insert(index_arn.to_string());
        }

        let policies = function["Properties"]["Policies"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: Policies is a list of inline statements"));
        let mut granted_items = BTreeSet::new();
        let mut granted_query = BTreeSet::new();
        let mut granted_secrets = BTreeSet::new();
        for policy in policies {
            let statements = policy["Statement"].as_array().unwrap_or_else(|| {
                panic!("{name}: only inline statements, no managed policy or SAM policy template: {policy}")
            });
            for statement in statements {
                assert_eq!(statement["Effect"], "Allow", "{name}: {statement}");
                assert!(
                    statement.get("NotAction").is_none() && statement.get("NotResource").is_none()
                );
                let actions: Vec<&str> = strings(&statement["Action"])
                    .into_iter()
                    .map(|action| action.as_str().expect("actions are literal"))
                    .collect();
                let targets = resources_of(&statement["Resource"]);
                assert!(
                    !targets.is_empty(),
                    "{name}: {statement} names its resources"
                );
                for target in &targets {
                    let text = target.to_string();
                    assert!(
                        target != "*" && !text.contains(":*") && !text.contains("/*"),
                        "{name}: no wildcard resource: {statement}"
                    );
                }
                for action in actions {
                    assert!(
                        !action.contains('*'),
                        "{name}: no wildcard action: {action}"
                    );
                    let (service, _) = action.split_once(':').expect("service:Action");
                    match service {
                        "dynamodb" if action == "dynamodb:Query" => {
                            granted_query.extend(targets.iter().map(Value::to_string));
                        }
                        "dynamodb" => {
                            assert!(
                                targets.iter().all(|target| *target == table_arn),
                                "{name}: {action} on the table only: {statement}"
                            );
                            granted_items.insert(action.to_owned());
                        }
                        "secretsmanager" => {
                            assert_eq!(action, "secretsmanager:GetSecretValue", "{name}");
                            granted_secrets.extend(targets.iter().map(|target| {
                                target["Ref"]
                                    .as_str()
                                    .map(str::to_owned)
                                    .unwrap_or_else(|| {
                                        panic!("{name}: a secret is a parameter's Ref: {target}")
                                    })
                            }));
                        }
                        "ses" => {
                            assert_eq!(
                                (binary.as_str(), action),
                                ("accounts", "ses:SendEmail"),
                                "{name}: only the accounts function sends mail (recovery codes)"
                            );
                            assert!(
                                targets
                                    .iter()
                                    .all(|target| target.to_string().contains(":identity/")),
                                "{name}: SES identities only: {statement}"
                            );
                        }
                        other => panic!("{name}: unexpected service {other} in {statement}"),
                    }
                }
            }
        }
        assert_eq!(
            granted_items, item_actions,
            "{name}: the table actions are exactly those of its store traits {bound:?}"
        );
        assert_eq!(
            granted_query, expected_query,
            "{name}: Query exactly where its store traits {bound:?} query (gsi1: {index_query})"
        );
        let needed = secrets_the_code_reads(&binary);
        assert_eq!(
            granted_secrets, needed,
            "{name}: reads exactly the secrets its code uses"
        );
        assert_eq!(
            secrets_listed(&template, function),
            needed,
            "{name}: TICEDU_SECRET_ARNS lists exactly the secrets its code uses"
        );
    }
}

/// The secrets (template parameters) a function's code reads: the origin
/// secret (every function checks CloudFront's header), the secret of each
/// key its `main.rs` names (`Key::…`, which `Platform::from_environment`
/// requires at cold start), and the optional secrets of what its code uses.
/// A key the crate's code asks the platform for (`account_secret()`…) must
/// be named in its `main.rs`, or the function would start without it.
fn secrets_the_code_reads(binary: &str) -> BTreeSet<String> {
    const KEYS: [(&str, &str, &str); 3] = [
        ("Key::Account", "account_secret()", "AccountKeySecretArn"),
        (
            "Key::TokenSigning",
            "token_signer()",
            "TokenSigningSecretArn",
        ),
        (
            "Key::CertificateSigning",
            "certificate_signer()",
            "CertificateSigningSecretArn",
        ),
    ];
    let folder = workspace().join(format!("functions/{binary}/src"));
    let main = std::fs::read_to_string(folder.join("main.rs")).expect("the function's main.rs");
    let code = rust_sources(&folder)
        .into_iter()
        .filter(|path| !path.ends_with("main.rs"))
        .map(|path| std::fs::read_to_string(path).expect("a source file"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut secrets = BTreeSet::from(["OriginSecretArn".to_owned()]);
    for (key, accessor, secret) in KEYS {
        let named = main.contains(key);
        assert!(
            named || !code.contains(accessor),
            "{binary}: its code calls {accessor}, so its main.rs must name {key}"
        );
        if named {
            secrets.insert(secret.to_owned());
        }
    }
    let optional = [
        (code.contains("MediaSigner"), "MediaKeySecretArn"),
        (code.contains("bootstrap_admin"), "BootstrapAdminSecretArn"),
        (
            main.contains("WeChatPay::from_environment"),
            "WeChatPaySecretArn",
        ),
    ];
    for (used, secret) in optional {
        if used {
            secrets.insert(secret.to_owned());
        }
    }
    secrets
}

fn rust_sources(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(rust_sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// The parameters a function's `TICEDU_SECRET_ARNS` names (its own, else the
/// Globals'), over every `Fn::If` branch.
fn secrets_listed(template: &Value, function: &Value) -> BTreeSet<String> {
    let own = &function["Properties"]["Environment"]["Variables"]["TICEDU_SECRET_ARNS"];
    let value = if own.is_null() {
        &template["Globals"]["Function"]["Environment"]["Variables"]["TICEDU_SECRET_ARNS"]
    } else {
        own
    };
    let mut names = BTreeSet::new();
    for branch in resources_of(value) {
        if let Some(name) = branch["Ref"].as_str() {
            names.insert(name.to_owned());
        } else if let Some(text) = branch["Fn::Sub"].as_str() {
            for part in text.split(',') {
                let name = part
                    .strip_prefix("${")
                    .and_then(|rest| rest.strip_suffix('}'))
                    .unwrap_or_else(|| panic!("TICEDU_SECRET_ARNS: ${{Param}},…, not {text}"));
                names.insert(name.to_owned());
            }
        } else {
            panic!("TICEDU_SECRET_ARNS: a Ref or Fn::Sub: {branch}");
        }
    }
    names
}

#[test]
fn the_functions_are_rust_on_arm64() {
    let template = template();
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["Runtime"], "provided.al2023");
    assert_eq!(globals["Architectures"], json!(["arm64"]));
    assert_eq!(globals["Handler"], "bootstrap");
    for (name, binary, function) in functions(&template) {
        assert_eq!(
            function["Metadata"]["BuildMethod"], "rust-cargolambda",
            "{name}"
        );
        let properties = &function["Properties"];
        for key in ["Runtime", "Architectures", "Handler"] {
            assert!(
                properties.get(key).is_none(),
                "{name} overrides Globals' {key}"
            );
        }
        let manifest =
            std::fs::read_to_string(workspace().join(format!("functions/{binary}/Cargo.toml")))
                .unwrap_or_else(|_| panic!("{name}: functions/{binary}/Cargo.toml"));
        assert!(
            manifest.contains(&format!("[[bin]]\nname = \"{binary}\"")),
            "{name}: functions/{binary} builds the binary {binary}"
        );
    }
}

#[test]
fn the_table_is_table_rs() {
    let template = template();
    let tables = of_type(&template, "AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 1, "one table");
    let (name, resource) = tables[0];
    assert_eq!(resource["DeletionPolicy"], "Retain", "{name}");
    let table = &resource["Properties"];
    let key = |attribute: &str, kind: &str| json!({"AttributeName": attribute, "KeyType": kind});
    assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        table["KeySchema"],
        json!([
            key(table::PARTITION_KEY, "HASH"),
            key(table::SORT_KEY, "RANGE")
        ])
    );
    let attributes: BTreeSet<String> = table["AttributeDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|definition| {
            assert_eq!(definition["AttributeType"], "S", "{definition}");
            definition["AttributeName"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        attributes,
        [
            table::PARTITION_KEY,
            table::SORT_KEY,
            table::GSI1_PARTITION_KEY,
            table::GSI1_SORT_KEY
        ]
        .map(str::to_owned)
        .into()
    );
    assert_eq!(
        table["GlobalSecondaryIndexes"],
        json!([{
            "IndexName": table::GSI1,
            "KeySchema": [key(table::GSI1_PARTITION_KEY, "HASH"), key(table::GSI1_SORT_KEY, "RANGE")],
            "Projection": {"ProjectionType": "ALL"},
        }])
    );
    assert_eq!(
        table["TimeToLiveSpecification"],
        json!({"AttributeName": table::TTL_ATTRIBUTE, "Enabled": true})
    );
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(table["DeletionProtectionEnabled"], true);
    assert_eq!(table["SSESpecification"]["SSEEnabled"], true);
}

#[test]
fn arns_name_the_partition() {
    fn walk(value: &Value, at: &str) {
        match value {
            Value::String(text) => assert!(
                !text.contains("arn:aws:") && !text.contains("amazonaws.com/"),
                "{at}: build ARNs with ${{AWS::Partition}} (and hosts with ${{AWS::URLSuffix}}): {text}"
            ),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}[{i}]"));
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(item, &format!("{at}.{key}"));
                }
            }
            _ => {}
        }
    }
    let template = template();
    walk(&template["Resources"], "Resources");
    walk(&template["Outputs"], "Outputs");
}

/// The `then` branch of `{"Fn::If": [condition, then, AWS::NoValue]}`: a
/// part of the template that exists only under `condition`.
fn only_if<'a>(value: &'a Value, condition: &str, what: &str) -> &'a Value {
    let branches = value["Fn::If"]
        .as_array()
        .unwrap_or_else(|| panic!("{what} exists only under {condition}: {value}"));
    assert_eq!(branches.len(), 3, "{what}: {value}");
    assert_eq!(
        branches[0], condition,
        "{what} exists only under {condition}"
    );
    assert_eq!(
        branches[2],
        json!({"Ref": "AWS::NoValue"}),
        "{what}: nothing in its place without {condition}"
    );
    &branches[1]
}

fn distribution_config(template: &Value) -> &Value {
    &resources(template)["Distribution"]["Properties"]["DistributionConfig"]
}

#[test]
fn lesson_media_is_served_only_to_signed_urls_with_a_path_only_cache_key() {
    let template = template();
    let config = distribution_config(&template);
    let behaviours = config["CacheBehaviors"].as_array().expect("CacheBehaviors");
    // First, so no other path pattern can ever answer for a media path.
    let media = only_if(&behaviours[0], "HasMedia", "the /media/* behaviour");
    assert_eq!(media["PathPattern"], "/media/*");
    assert_eq!(media["TargetOriginId"], "media");
    assert_eq!(
        media["TrustedKeyGroups"],
        json!([{"Ref": "MediaKeyGroup"}]),
        "every media request must carry a signature from the media key group"
    );
    assert_eq!(media["ViewerProtocolPolicy"], "https-only");
    assert_eq!(media["AllowedMethods"], json!(["GET", "HEAD"]));
    assert_eq!(media["Compress"], false, "video is not compressed");
    assert!(
        media.get("OriginRequestPolicyId").is_none(),
        "nothing but the path goes to S3"
    );

    // The media origin is reached by no other behaviour, the default included.
    assert_ne!(config["DefaultCacheBehavior"]["TargetOriginId"], "media");
    for behaviour in &behaviours[1..] {
        assert_ne!(behaviour["TargetOriginId"], "media", "{behaviour}");
        assert_ne!(behaviour["PathPattern"], "/media/*", "{behaviour}");
    }

    // Each learner's URL has its own Policy/Signature/Key-Pair-Id: in the
    // cache key they would make every view a miss.
    let policy_name = media["CachePolicyId"]["Ref"]
        .as_str()
        .expect("the behaviour's cache policy is in the template");
    let policy = &resources(&template)[policy_name];
    assert_eq!(policy["Type"], "AWS::CloudFront::CachePolicy");
    let key =
        &policy["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"];
    assert_eq!(key["QueryStringsConfig"]["QueryStringBehavior"], "none");
    assert_eq!(key["HeadersConfig"]["HeaderBehavior"], "none");
    assert_eq!(key["CookiesConfig"]["CookieBehavior"], "none");
    assert_eq!(key["EnableAcceptEncodingGzip"], false);
    assert_eq!(key["EnableAcceptEncodingBrotli"], false);
    assert!(
        policy["Properties"]["CachePolicyConfig"]["DefaultTTL"]
            .as_u64()
            .is_some_and(|ttl| ttl >= 86_400),
        "lesson media is cached long"
    );

    // The key group holds the public keys of the two rotation slots.
    let group = &resources(&template)["MediaKeyGroup"];
    assert_eq!(group["Type"], "AWS::CloudFront::KeyGroup");
    assert_eq!(group["Condition"], "HasMedia");
    let items = group["Properties"]["KeyGroupConfig"]["Items"]
        .as_array()
        .unwrap();
    let keys: Vec<&Value> = items
        .iter()
        .zip(["HasMediaKey1", "HasMediaKey2"])
        .map(|(item, condition)| only_if(item, condition, "a public key slot"))
        .collect();
    assert_eq!(
        keys,
        [
            &json!({"Ref": "MediaPublicKey"}),
            &json!({"Ref": "MediaPublicKey2"})
        ]
    );
    for name in ["MediaPublicKey", "MediaPublicKey2"] {
        assert_eq!(
            resources(&template)[name]["Type"],
            "AWS::CloudFront::PublicKey"
        );
    }
}

#[test]
fn the_media_bucket_is_private_and_read_only_through_the_distribution() {
    let template = template();
    let resources = resources(&template);
    let bucket = &resources["MediaBucket"]["Properties"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(
            bucket["PublicAccessBlockConfiguration"][setting], true,
            "{setting}"
        );
    }
    assert!(bucket["BucketEncryption"].is_object(), "encrypted at rest");

    let policies: Vec<_> = of_type(&template, "AWS::S3::BucketPolicy")
        .into_iter()
        .filter(|(_, policy)| policy["Properties"]["Bucket"] == json!({"Ref": "MediaBucket"}))
        .collect();
    assert_eq!(policies.len(), 1, "one policy on the media bucket");
    let statements = policies[0].1["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let mut allows = Vec::new();
    let mut denies_plain_http = false;
    for statement in statements {
        let alternatives = match statement.get("Fn::If") {
            Some(branches) => {
                assert_eq!(branches[0], "IsChina", "{statement}");
                branches.as_array().unwrap()[1..].iter().collect()
            }
            None => vec![statement],
        };
        for statement in alternatives {
            match statement["Effect"].as_str() {
                Some("Deny") => {
                    denies_plain_http |=
                        statement["Condition"]["Bool"]["aws:SecureTransport"] == "false";
                }
                Some("Allow") => allows.push(statement),
                other => panic!("Effect {other:?}: {statement}"),
            }
        }
    }
    assert!(denies_plain_http, "the bucket refuses plain HTTP");
    let origin_access_control = json!({"Service": "cloudfront.amazonaws.com"});
    let origin_access_identity = json!({
        "CanonicalUser": {"Fn::GetAtt": ["MediaOriginAccessIdentity", "S3CanonicalUserId"]}
    });
    assert_eq!(allows.len(), 2, "CloudFront reads, by OAC or (China) OAI");
    for allow in allows {
        assert_eq!(
            allow["Action"], "s3:GetObject",
            "read, nothing else: {allow}"
        );
        assert_eq!(
            allow["Resource"],
            json!({"Fn::Sub": "${MediaBucket.Arn}/media/*"}),
            "only the media/ keys: {allow}"
        );
        let principal = &allow["Principal"];
        if *principal == origin_access_control {
            let source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
                .as_str()
                .unwrap_or_default();
            assert!(
                source.ends_with(":distribution/${Distribution}"),
                "OAC: this stack's distribution only: {allow}"
            );
        } else {
            assert_eq!(*principal, origin_access_identity, "{allow}");
        }
    }

    // The distribution's media origin signs its requests (OAC) or uses the OAI.
    let origins = distribution_config(&template)["Origins"]
        .as_array()
        .unwrap();
    let media = origins
        .iter()
        .find(|origin| origin.get("Fn::If").is_some())
        .map(|origin| only_if(origin, "HasMedia", "the media origin"))
        .expect("a media origin");
    assert_eq!(media["Id"], "media");
    assert_eq!(
        media["DomainName"],
        json!({"Fn::GetAtt": ["MediaBucket", "RegionalDomainName"]})
    );
    assert_eq!(
        media["OriginAccessControlId"]["Fn::If"][1],
        json!({"Fn::GetAtt": ["MediaOriginAccessControl", "Id"]})
    );
    assert_eq!(
        media["S3OriginConfig"]["OriginAccessIdentity"]["Fn::If"][1],
        json!({"Fn::Sub": "origin-access-identity/cloudfront/${MediaOriginAccessIdentity}"})
    );
}

#[test]
fn only_the_learning_function_gets_the_media_variables() {
    const MEDIA_URL: &str = "TICEDU_MEDIA_URL";
    const MEDIA_KEY_ID: &str = "TICEDU_MEDIA_KEY_ID";
    let template = template();
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(globals.get(MEDIA_URL).is_none() && globals.get(MEDIA_KEY_ID).is_none());
    for (name, binary, function) in functions(&template) {
        let variables = &function["Properties"]["Environment"]["Variables"];
        if binary != "learning" {
            for variable in [MEDIA_URL, MEDIA_KEY_ID] {
                assert!(
                    variables.get(variable).is_none(),
                    "{name} signs no media URL: no {variable}"
                );
            }
            continue;
        }
        // Both or neither, under one condition: a signer needs the key's id
        // and the address it signs for.
        let url = only_if(&variables[MEDIA_URL], "HasMediaUrl", MEDIA_URL);
        let key_id = only_if(&variables[MEDIA_KEY_ID], "HasMediaUrl", MEDIA_KEY_ID);
        let urls = url["Fn::If"].as_array().expect("SiteUrl, else DomainName");
        assert_eq!(urls[1], json!({"Fn::Sub": "${SiteUrl}/media"}));
        assert_eq!(urls[2], json!({"Fn::Sub": "https://${DomainName}/media"}));
        assert_eq!(
            key_id,
            &json!({"Fn::If": ["SignsWithKey2", {"Ref": "MediaPublicKey2"}, {"Ref": "MediaPublicKey"}]})
        );
    }
}
