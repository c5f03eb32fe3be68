-- Risk flags: the configured risk words a conversation's own messages (or
-- nickname) matched, as a JSON array. Derived from content, so they live and
-- die with the conversation row.
ALTER TABLE conversations ADD COLUMN risk_words TEXT NOT NULL DEFAULT '[]';

-- What a coordinator changed in the console's settings pages, one JSON value
-- per section ('service', 'opening_hours', 'risk'). Loaded at start over the
-- configuration file's values.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL -- Unix milliseconds
);

-- Canned replies: short texts a counsellor inserts with a /shortcut.
-- owner_id 0 = shared by the whole team (changed by coordinators only),
-- otherwise the counsellor who owns it. A shortcut is unique per owner and
-- language.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER NOT NULL DEFAULT 0,
    lang       TEXT    NOT NULL CHECK (lang IN ('da', 'en')),
    shortcut   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (owner_id, lang, shortcut)
);

-- A few shared replies to start from; coordinators edit them in the console.
INSERT INTO canned_replies (owner_id, lang, shortcut, body, created_at) VALUES
 (0, 'da', 'velkommen', 'Hej, og tak fordi du skriver. Jeg hedder ..., og jeg er rådgiver her. Du bestemmer selv, hvad du vil fortælle, og du behøver ikke sige, hvem du er.', 0),
 (0, 'da', 'tryg', 'Er du i sikkerhed lige nu? Hvis du er i fare, så ring 112 med det samme.', 0),
 (0, 'da', 'tider', 'Chatten har åbent på de tider, der står på forsiden. Du kan også booke en samtale, hvis det passer dig bedre.', 0),
 (0, 'da', 'farvel', 'Tak for snakken. Du er altid velkommen til at skrive igen.', 0),
 (0, 'en', 'welcome', 'Hi, and thank you for writing. My name is ..., and I am a counsellor here. You decide what you want to tell, and you do not have to say who you are.', 0),
 (0, 'en', 'safe', 'Are you safe right now? If you are in danger, call 112 straight away.', 0),
 (0, 'en', 'hours', 'The chat is open at the times shown on the front page. You can also book a talk if that suits you better.', 0),
 (0, 'en', 'bye', 'Thank you for the talk. You are always welcome to write again.', 0);
