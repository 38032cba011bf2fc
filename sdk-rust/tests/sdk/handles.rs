//! Flag handles (`Client::flag`): the same answers as the client's calls by key, through
//! changes that move flags, create the flag or delete it.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use vexil_sdk::{Client, Context, EvaluationRecord, FlagHandle, Hook, HookContext, HookError, TestData};

/// Every method of `handle` against the client's method of the same name, for `ctx`.
fn assert_same(client: &Client, handle: &FlagHandle, ctx: &Context) {
    let key = handle.key();
    let at = format!("flag {key}, context {:?}", ctx.key());
    assert_eq!(handle.bool_details(ctx, true), client.bool_details(key, ctx, true), "{at}");
    assert_eq!(handle.string_details(ctx, "d"), client.string_details(key, ctx, "d"), "{at}");
    assert_eq!(handle.number_details(ctx, -1.5), client.number_details(key, ctx, -1.5), "{at}");
    assert_eq!(handle.int_details(ctx, -1), client.int_details(key, ctx, -1), "{at}");
    assert_eq!(handle.json_details(ctx, json!("d")), client.json_details(key, ctx, json!("d")), "{at}");
    assert_eq!(
        handle.json_details_as::<Vec<u8>>(ctx, vec![1]),
        client.json_details_as::<Vec<u8>>(key, ctx, vec![1]),
        "{at}"
    );
    assert_eq!(handle.bool_value(ctx, true), client.bool_value(key, ctx, true), "{at}");
    assert_eq!(handle.string_value(ctx, "d"), client.string_value(key, ctx, "d"), "{at}");
    assert_eq!(
        handle.number_value(ctx, -1.5).to_bits(),
        client.number_value(key, ctx, -1.5).to_bits(),
        "{at}"
    );
    assert_eq!(handle.int_value(ctx, -1), client.int_value(key, ctx, -1), "{at}");
    assert_eq!(handle.json_value(ctx, Value::Null), client.json_value(key, ctx, Value::Null), "{at}");
    assert_eq!(
        handle.json_value_as::<Vec<u8>>(ctx, vec![1]),
        client.json_value_as::<Vec<u8>>(key, ctx, vec![1]),
        "{at}"
    );
}

fn contexts() -> Vec<Context> {
    (0..40)
        .map(|i| Context::new(format!("user-{i}")).with("country", if i % 2 == 0 { "DE" } else { "FR" }))
        .collect()
}

#[test]
fn a_flag_handle_answers_as_the_client_does_through_changes_that_move_flags() {
    let td = TestData::new();
    td.update(td.flag("m-half").rollout([(true, 50_000), (false, 50_000)]));
    td.update(td.flag("m-limit").value_for_all(10).if_match("country", ["DE"]).then_value(20));
    td.update(td.flag("m-theme").value_for_all("light"));
    td.update(td.flag("m-layout").value_for_all(json!([1, 2, 3])));
    let client = td.client();
    let keys = ["m-half", "m-limit", "m-theme", "m-layout", "z-later", "a-later"];
    let handles: Vec<FlagHandle> = keys.iter().map(|k| client.flag(*k)).collect();
    let check = || {
        for ctx in &contexts() {
            for h in &handles {
                assert_same(&client, h, ctx);
            }
        }
    };
    check();
    assert_eq!(handles[1].int_value(&Context::new("u").with("country", "DE"), 0), 20);
    assert!(handles[4].bool_details(&Context::new("u"), false).error_code.is_some(), "not there yet");

    // Flags that sort before the others move every position the handles remember.
    td.update(td.flag("a-later").value_for_all("first"));
    td.update(td.flag("b-other").value_for_all(false));
    td.update(td.flag("m-theme").value_for_all("dark"));
    check();
    assert_eq!(handles[2].string_value(&Context::new("u"), "?"), "dark", "the change reached the handle");
    assert_eq!(handles[5].string_value(&Context::new("u"), "?"), "first", "a flag created after its handle");

    // A deletion moves the flags after it back; the position a handle remembers now
    // holds another flag, which it must not evaluate.
    td.delete_flag("m-half");
    td.update(td.flag("z-later").value_for_all(true));
    check();
    assert_eq!(handles[1].int_value(&Context::new("u").with("country", "FR"), 0), 10);
    assert!(handles[0].bool_details(&Context::new("u"), false).error_code.is_some(), "deleted");
    assert!(handles[4].bool_value(&Context::new("u"), false));

    // Clones and other threads share nothing that could make them disagree.
    let clone = handles[1].clone();
    let answers = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let h = clone.clone();
                s.spawn(move || (0..100).map(|i| h.int_value(&Context::new(format!("u{i}")), 0)).sum::<i64>())
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("no panic")).collect::<Vec<_>>()
    });
    assert_eq!(answers, [1000; 4]);
}

#[derive(Default)]
struct Keys(Mutex<Vec<String>>);

impl Hook for Keys {
    fn after(&self, hook: &HookContext<'_>, details: &EvaluationRecord) -> Result<(), HookError> {
        self.0.lock().unwrap().push(format!("{}={:?}", hook.flag_key, details.value));
        Ok(())
    }
}

#[test]
fn hooks_see_a_handle_evaluation_as_one_by_key() {
    let td = TestData::new();
    td.update(td.flag("checkout").value_for_all(true));
    let keys = Arc::new(Keys::default());
    let client = td.builder().hook(keys.clone()).build().unwrap();
    let handle = client.flag("checkout");
    assert!(handle.bool_value(&Context::new("u"), false));
    assert!(client.bool_value("checkout", &Context::new("u"), false));
    assert_eq!(*keys.0.lock().unwrap(), ["checkout=Some(Bool(true))", "checkout=Some(Bool(true))"]);
}
