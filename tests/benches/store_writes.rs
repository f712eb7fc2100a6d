//! Store benchmark: operations per second of each write on the embedded
//! store, beside a bare durable redb commit measured in the same run, and the
//! DynamoDB requests each operation sends (on moto).
//!
//! Run: `cargo bench -p ticedu-tests --bench store_writes` (needs moto, as the tests do).

use std::time::{Duration, Instant};
use ticedu_domain::cycle::CycleNumber;
use ticedu_store::records::AuditAction;

use redb::{Database, TableDefinition};
use ticedu_domain::money::Fen;
use ticedu_store::records::ThrottleWindow;
use ticedu_store::*;
use ticedu_store_embedded::EmbeddedStore;
use ticedu_tests::dynamodb_server::fresh_store;
use ticedu_tests::fixtures::*;

const SAMPLES: usize = 300;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times `SAMPLES` runs of `op(i)` one after another; returns the median.
async fn time<F, Fut>(mut op: F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let start = Instant::now();
        op(i).await;
        samples.push(start.elapsed());
    }
    median(samples)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();

    // Baseline: one bare durable redb commit of one small value, on the same disk.
    let raw = Database::create(dir.path().join("baseline.redb")).unwrap();
    const RAW: TableDefinition<u64, &[u8]> = TableDefinition::new("raw");
    let baseline = time(|i| {
        let txn = raw.begin_write().unwrap();
        txn.open_table(RAW)
            .unwrap()
            .insert(i as u64, [0u8; 200].as_slice())
            .unwrap();
        txn.commit().unwrap();
        async {}
    })
    .await;

    let store = EmbeddedStore::open(dir.path().join("bench.redb")).unwrap();
    let learners: Vec<_> = (0..SAMPLES).map(|_| new_learner()).collect();
    let cards: Vec<_> = (0..SAMPLES).map(|_| card(Fen::from_yuan(600))).collect();
    let orders: Vec<_> = learners
        .iter()
        .map(|l| balance_order(&l.id, vec![hour("sampling", 1)]))
        .collect();
    let pending: Vec<_> = learners
        .iter()
        .map(|l| pending_order(&l.id, vec![hour("sampling", 2)]))
        .collect();
    let window = ThrottleWindow::containing(now(), 900);

    let mut rows = vec![("bare redb commit (baseline)", baseline)];
    rows.push((
        "register",
        time(|i| {
            let s = &store;
            let l = &learners[i];
            async move { s.create_learner(l).await.unwrap() }
        })
        .await,
    ));
    rows.push((
        "issue one card",
        time(|i| {
            let s = &store;
            let c = &cards[i];
            async move {
                s.issue_cards(std::slice::from_ref(c), &audit(AuditAction::CardsIssued))
                    .await
                    .unwrap()
            }
        })
        .await,
    ));
    rows.push((
        "redeem card",
        time(|i| {
            let s = &store;
            let (c, l) = (&cards[i], &learners[i]);
            async move { s.redeem_card(c, &l.id, now()).await.unwrap() }
        })
        .await,
    ));
    rows.push((
        "buy from balance",
        time(|i| {
            let s = &store;
            let o = &orders[i];
            async move {
                s.purchase_with_balance(o).await.unwrap();
            }
        })
        .await,
    ));
    rows.push((
        "mark learned",
        time(|i| {
            let s = &store;
            let o = &orders[i];
            async move {
                s.mark_learned(&o.learner, &mark(&o.hours[0]), CycleNumber::FIRST, 0, now())
                    .await
                    .unwrap();
            }
        })
        .await,
    ));
    rows.push((
        "create WeChat order",
        time(|i| {
            let s = &store;
            let o = &pending[i];
            async move { s.create_order(o).await.unwrap() }
        })
        .await,
    ));
    rows.push((
        "apply payment notice",
        time(|i| {
            let s = &store;
            let o = &pending[i];
            async move {
                s.apply_payment(o, &notice_for(o)).await.unwrap();
            }
        })
        .await,
    ));
    rows.push((
        "record login failure",
        time(|i| {
            let s = &store;
            let l = &learners[i];
            async move {
                s.record_login_failure(&l.username_key, window)
                    .await
                    .unwrap();
            }
        })
        .await,
    ));

    println!(
        "embedded store, {SAMPLES} sequential writes each (median; ratio to the bare commit of this run)"
    );
    println!(
        "{:<28} {:>12} {:>10} {:>8}",
        "operation", "median", "ops/s", "ratio"
    );
    for (name, median) in &rows {
        println!(
            "{name:<28} {:>10.1}µs {:>10.0} {:>8.2}",
            median.as_secs_f64() * 1e6,
            1.0 / median.as_secs_f64(),
            median.as_secs_f64() / baseline.as_secs_f64()
        );
    }

    let (dynamo, counter) = fresh_store().await;
    let learner = new_learner();
    let card = card(Fen::from_yuan(600));
    let order = balance_order(&learner.id, (1..=40).map(|n| hour("sampling", n)).collect());
    let wechat = pending_order(
        &learner.id,
        (1..=30).map(|n| hour("iso-17020", n)).collect(),
    );
    let mut counts = Vec::new();
    macro_rules! count {
        ($name:literal, $op:expr) => {{
            let before = counter.count();
            $op.await.unwrap();
            counts.push(($name, counter.count() - before));
        }};
    }
    count!("register", dynamo.create_learner(&learner));
    count!(
        "log in (look-up by username)",
        dynamo.learner_by_username(&learner.username_key)
    );
    count!(
        "issue one card",
        dynamo.issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued)
        )
    );
    count!("redeem card", dynamo.redeem_card(&card, &learner.id, now()));
    count!(
        "buy 40 hours from balance",
        dynamo.purchase_with_balance(&order)
    );
    count!(
        "mark learned",
        dynamo.mark_learned(
            &learner.id,
            &mark(&order.hours[0]),
            CycleNumber::FIRST,
            0,
            now()
        )
    );
    count!("progress (marks)", dynamo.marks(&learner.id));
    count!("create WeChat order", dynamo.create_order(&wechat));
    count!(
        "apply payment notice (30 hours)",
        dynamo.apply_payment(&wechat, &notice_for(&wechat))
    );
    count!(
        "record login failure",
        dynamo.record_login_failure(&learner.username_key, window)
    );
    println!("\nDynamoDB requests per operation (counted by an SDK interceptor, on moto)");
    for (name, count) in counts {
        println!("{name:<34} {count}");
    }
}
