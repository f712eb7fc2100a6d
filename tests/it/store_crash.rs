//! Crash safety of the embedded store: a process writing a burst is killed
//! with SIGKILL; after reopening, every write it had acknowledged is there
//! and every invariant holds (balances equal ledgers, counters equal marks).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use ticedu_domain::cycle::CycleNumber;
use ticedu_store::records::AuditAction;

use ticedu_domain::money::Fen;
use ticedu_store::ids::{CardCode, LearnerId, OrderNo};
use ticedu_store::*;
use ticedu_store_embedded::EmbeddedStore;
use ticedu_tests::fixtures::*;

const CHILD_DATABASE: &str = "TICEDU_CRASH_CHILD_DATABASE";
const ACKNOWLEDGED_BEFORE_KILL: usize = 400;

/// The writer. Only meaningful as the child of the test below, which runs it
/// with `--ignored` and the database path in the environment.
#[test]
#[ignore = "the child process of acknowledged_writes_survive_a_sigkill"]
fn crash_child_writes_until_killed() {
    let Ok(path) = std::env::var(CHILD_DATABASE) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store = EmbeddedStore::open(path).unwrap();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let store = store.clone();
            workers.spawn(async move {
                loop {
                    let learner = new_learner();
                    store.create_learner(&learner).await.unwrap();
                    acknowledge(format!("learner {}", learner.id));
                    let card = card(Fen::new(3000));
                    store
                        .issue_cards(
                            std::slice::from_ref(&card),
                            &audit(AuditAction::CardsIssued),
                        )
                        .await
                        .unwrap();
                    store.redeem_card(&card, &learner.id, now()).await.unwrap();
                    acknowledge(format!("redeemed {} {}", card.code, learner.id));
                    let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
                    store.purchase_with_balance(&order).await.unwrap();
                    acknowledge(format!("order {} {}", order.no, learner.id));
                    store
                        .mark_learned(
                            &learner.id,
                            &mark(&order.hours[0]),
                            CycleNumber::FIRST,
                            0,
                            now(),
                        )
                        .await
                        .unwrap();
                    acknowledge(format!("marked {}", learner.id));
                }
            });
        }
        workers.join_next().await;
    });
}

/// The writer's name as the test harness knows it (its module path, less
/// the crate's name), which moves with this file.
fn child_test_name() -> String {
    let module = module_path!()
        .split_once("::")
        .map_or("", |(_, module)| module);
    format!("{module}::crash_child_writes_until_killed")
}

fn acknowledge(line: String) {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "ack {line}").unwrap();
    stdout.flush().unwrap();
}

#[tokio::test]
async fn acknowledged_writes_survive_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.redb");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            &child_test_name(),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATABASE, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acknowledged = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(ack) = line.strip_prefix("ack ") {
            acknowledged.push(ack.to_owned());
            if acknowledged.len() == ACKNOWLEDGED_BEFORE_KILL {
                child.kill().unwrap(); // SIGKILL: no destructor, no flush, mid-burst.
                break;
            }
        }
    }
    child.wait().unwrap();
    assert_eq!(
        acknowledged.len(),
        ACKNOWLEDGED_BEFORE_KILL,
        "the writer stopped early"
    );

    let store = EmbeddedStore::open(&path).expect("the file opens again after the kill");
    let mut learners = BTreeSet::new();
    for ack in &acknowledged {
        let words: Vec<&str> = ack.split(' ').collect();
        match words.as_slice() {
            ["learner", id] => {
                learners.insert((*id).to_owned());
                assert!(
                    store
                        .learner(&LearnerId::parse(id).unwrap())
                        .await
                        .unwrap()
                        .is_some(),
                    "{ack}"
                );
            }
            ["redeemed", code, id] => {
                let card = store
                    .card(&CardCode::parse(code).unwrap())
                    .await
                    .unwrap()
                    .expect("card");
                assert_eq!(
                    card.redeemed.map(|r| r.by.to_string()),
                    Some((*id).to_owned()),
                    "{ack}"
                );
            }
            ["order", no, _] => assert!(
                store
                    .order(&OrderNo::parse(no).unwrap())
                    .await
                    .unwrap()
                    .is_some(),
                "{ack}"
            ),
            ["marked", id] => assert_eq!(
                store
                    .marks(&LearnerId::parse(id).unwrap())
                    .await
                    .unwrap()
                    .len(),
                1,
                "{ack}"
            ),
            other => panic!("unexpected acknowledgement {other:?}"),
        }
    }
    // Every acknowledged learner is consistent, also those whose burst the kill cut short.
    for id in &learners {
        let id = LearnerId::parse(id).unwrap();
        let learner = store.learner(&id).await.unwrap().unwrap();
        let ledger: i64 = store
            .ledger(&id)
            .await
            .unwrap()
            .iter()
            .map(|entry| entry.change_fen)
            .sum();
        assert_eq!(i64::try_from(learner.balance.get()).unwrap(), ledger);
        assert_eq!(
            learner.marked_hours as usize,
            store.marks(&id).await.unwrap().len()
        );
    }
}
