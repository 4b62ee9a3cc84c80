use devdb_pg::Value;

use super::function;

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let f = function(name).unwrap_or_else(|| panic!("no runtime function {name}"));
    (f.call)(args).map_err(|e| e.code.to_string())
}

#[test]
fn placeholder() {
    assert_eq!(call("pg_int4_add", &[Value::Int(1), Value::Int(2)]), Ok(Value::Int(3)));
}
