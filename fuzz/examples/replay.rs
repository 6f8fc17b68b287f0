//! Replays `session` inputs on stable, without libFuzzer: the panic says
//! which property broke. `cargo run --example replay -- artifacts/session/<file>`

fn main() -> std::io::Result<()> {
    for path in std::env::args_os().skip(1) {
        let data = std::fs::read(&path)?;
        for record in rapport_fuzz::script::parse(&data) {
            eprintln!("{record:?}");
        }
        rapport_fuzz::relay::run(&data);
        println!("{}: the properties hold", path.to_string_lossy());
    }
    Ok(())
}
