//! Getting a busy counsellor's attention without making them stare at the
//! tab: an optional, quiet chime when a person writes or a new chat waits
//! (off by default: a shared office is not a call centre), and keyboard
//! shortcuts to move between chats.
//!
//! The chime is made with the Web Audio API, reached through `Reflect`
//! rather than `web-sys` bindings: a few calls do not justify rebuilding
//! `web-sys` with more features.

use super::model::ConsoleModel;
use js_sys::{Array, Function, Reflect};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Where the sound choice is remembered (this browser only).
const SOUND_KEY: &str = "front-door.console.sound";

/// Whether new arrivals chime. Provided as context.
#[derive(Clone, Copy)]
pub struct Sound(pub RwSignal<bool>);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl Sound {
    /// The choice this browser remembers (off unless turned on).
    pub fn load() -> Sound {
        let on = storage().and_then(|s| s.get_item(SOUND_KEY).ok().flatten());
        Sound(RwSignal::new(on.as_deref() == Some("on")))
    }

    /// Turns the chime on or off and remembers it. Turning it on plays it
    /// once: the counsellor hears what it sounds like, and the click is the
    /// user gesture browsers require before a page may play sound.
    pub fn set(&self, on: bool) {
        self.0.set(on);
        if let Some(storage) = storage() {
            let _ = if on {
                storage.set_item(SOUND_KEY, "on")
            } else {
                storage.remove_item(SOUND_KEY)
            };
        }
        if on {
            chime();
        }
    }
}

thread_local! {
    /// One audio context for the page's life (browsers limit how many).
    static AUDIO: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let method: Function = Reflect::get(target, &JsValue::from_str(name))?.dyn_into()?;
    method.apply(target, &args.iter().collect::<Array>())
}

fn get(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
}

fn audio_context() -> Result<JsValue, JsValue> {
    AUDIO.with(|audio| {
        if let Some(context) = audio.borrow().as_ref() {
            return Ok(context.clone());
        }
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let constructor: Function = get(&window, "AudioContext")?.dyn_into()?;
        let context = Reflect::construct(&constructor, &Array::new())?;
        *audio.borrow_mut() = Some(context.clone());
        Ok(context)
    })
}

/// A soft two-note chime, about a third of a second. Fails silently where
/// the browser has no Web Audio or does not allow sound yet.
pub fn chime() {
    let play = || -> Result<(), JsValue> {
        let context = audio_context()?;
        let _ = call(&context, "resume", &[]);
        let at = get(&context, "currentTime")?.as_f64().unwrap_or(0.0);
        let tone = call(&context, "createOscillator", &[])?;
        let volume = call(&context, "createGain", &[])?;
        Reflect::set(&tone, &"type".into(), &"sine".into())?;
        let frequency = get(&tone, "frequency")?;
        call(&frequency, "setValueAtTime", &[880.0.into(), at.into()])?;
        call(
            &frequency,
            "setValueAtTime",
            &[660.0.into(), (at + 0.12).into()],
        )?;
        let gain = get(&volume, "gain")?;
        call(&gain, "setValueAtTime", &[0.0001.into(), at.into()])?;
        call(
            &gain,
            "exponentialRampToValueAtTime",
            &[0.15.into(), (at + 0.02).into()],
        )?;
        call(
            &gain,
            "exponentialRampToValueAtTime",
            &[0.0001.into(), (at + 0.35).into()],
        )?;
        call(&tone, "connect", std::slice::from_ref(&volume))?;
        call(&volume, "connect", &[get(&context, "destination")?])?;
        call(&tone, "start", &[at.into()])?;
        call(&tone, "stop", &[(at + 0.4).into()])?;
        Ok(())
    };
    let _ = play();
}

/// Chimes on each new arrival while the sound is on.
pub fn ring_on_arrivals(model: ConsoleModel, sound: Sound) {
    Effect::new(move |previous: Option<u32>| {
        let arrivals = model.arrivals.get();
        if previous.is_some_and(|seen| seen != arrivals) && sound.0.get_untracked() {
            chime();
        }
        arrivals
    });
}

/// Focuses the first element matching `selector` once the view has caught
/// up (the one place the console moves keyboard focus).
pub fn focus_soon(selector: impl Into<String>) {
    let selector = selector.into();
    request_animation_frame(move || {
        if let Some(element) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// The console's keyboard shortcuts, anywhere on the page:
/// Alt+↓ / Alt+↑ the next / previous chat, Alt+1…9 chat number n (each
/// puts the cursor in its reply field), Alt+Q the first chat's claim button.
/// `code` (the key's place), not `key`, so Alt+digit works on a Mac too.
pub fn listen_for_shortcuts(model: ConsoleModel) {
    let on_key =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.is_composing() {
                return;
            }
            let code = ev.code();
            let target = match code.as_str() {
                "ArrowDown" | "PageDown" => model.neighbour_chat(1),
                "ArrowUp" | "PageUp" => model.neighbour_chat(-1),
                "KeyQ" => {
                    ev.prevent_default();
                    focus_soon(".queue .entry .claim");
                    return;
                }
                other => match other.strip_prefix("Digit").and_then(|n| n.parse().ok()) {
                    Some(n) => model.nth_chat(n),
                    None => return,
                },
            };
            if let Some(id) = target {
                ev.prevent_default();
                model.active.set(Some(id));
                focus_soon("#reply");
            }
        });
    let _ = window().add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // Listens for the page's whole life.
    on_key.forget();
}
