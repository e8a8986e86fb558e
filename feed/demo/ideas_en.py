"""The wins demo people write in English: the counterpart of `ideas_es`, the same way."""

from __future__ import annotations

from feed.demo.ideas import GENERAL, Idea, idea
from feed.demo.values import CUSTOMER, LEARNING, OPEN, SIMPLE, TEAMWORK

IDEAS_EN: dict[str, list[Idea]] = {
    "Customer Care": [
        idea(
            "A customer from {client} answered our survey with a whole paragraph about how "
            "patient {mate} was on a late Friday call. It's going on the wall. #support",
            CUSTOMER,
            card="A whole paragraph of thanks",
        ),
        idea(
            "First-response time dropped below {n} minutes this week, and nobody stayed "
            "late for it. The new triage labels are doing their job. #support",
            SIMPLE,
            card="First reply in under {n} min",
            chart=True,
            n=(8, 15),
        ),
        idea(
            "Closed my 500th ticket today! Thank you {mate} for all the shadowing in my "
            "first month. #milestone",
            TEAMWORK,
            card="500 tickets closed",
        ),
        idea(
            "Rewrote our out-of-office reply so it says when people will actually hear "
            "back. Two customers already thanked us for the honesty. #support",
            OPEN,
        ),
        idea(
            "{client} was about to cancel. After an hour going through their setup with "
            "{mate}, they upgraded instead. #customers",
            CUSTOMER,
        ),
        idea(
            "Ran a lunch-and-learn on reading the support dashboard. {n} people from other "
            "teams came, and {other} wants one for their team too. #learning",
            LEARNING,
            n=(9, 18),
        ),
        idea(
            "Found why so many password-reset tickets came in: for one email provider the "
            "link expired before the message arrived. {other} fixed it the same "
            "afternoon. #bugfix",
            TEAMWORK,
        ),
        idea(
            "Help centre search now understands refund questions in Spanish and English. "
            "Small change, {n}0 fewer tickets this week already. #selfservice",
            CUSTOMER,
            card="{n}0 fewer tickets",
            chart=True,
        ),
        idea(
            "Handed over my shift with the new shared notes, and {mate} said it was the "
            "first handover that needed no follow-up questions. #process",
            SIMPLE,
        ),
        idea(
            "Spent the morning with a customer who uses our product with a screen reader. "
            "Came back with {n} fixes; the first two are merged. #accessibility",
            LEARNING,
            CUSTOMER,
        ),
    ],
    "Engineering": [
        idea(
            "Dark mode is out on mobile. {mate} tuned every colour for contrast, so it "
            "passes WCAG AA as well. #mobile",
            CUSTOMER,
            card="Dark mode is live",
        ),
        idea(
            "Fixed the flaky checkout test that failed one run in ten for months. It was a "
            "time zone assumption, of course. #bugfix",
            SIMPLE,
        ),
        idea(
            "Paired with {mate} on the search indexing job: it now runs in {n} minutes "
            "instead of an hour. #performance",
            TEAMWORK,
            card="Indexing: 60 → {n} min",
            chart=True,
            n=(4, 12),
        ),
        idea(
            "Our on-call handbook finally has a 'first ten minutes' page. {mate} used it "
            "last night and didn't have to wake anyone up. #oncall",
            SIMPLE,
        ),
        idea(
            "Wrote up last week's incident, blameless and in plain words, and shared it "
            "with the whole company. Three people from Sales asked great questions. "
            "#postmortem",
            OPEN,
        ),
        idea(
            "Released the new image uploader: phone photos now come out the right way up "
            "and without location data. #privacy",
            CUSTOMER,
            card="Photos: upright and private",
        ),
        idea(
            "Taught a 30-minute SQL basics session for {other}'s team. They have already "
            "built their own weekly report with it. #learning",
            LEARNING,
            TEAMWORK,
        ),
        idea(
            "Zero-downtime database migration done at lunchtime, not at midnight. Thanks "
            "{mate} for the rehearsal on staging. #devops",
            TEAMWORK,
        ),
        idea(
            "The app's cold start is down to {n}00 ms on older Android phones. #mobile",
            card="Cold start: {n}00 ms",
            chart=True,
            n=(3, 8),
        ),
        idea(
            "My first pull request to an open-source library we use every day got merged "
            "upstream. Feels good to give something back. #opensource",
            LEARNING,
        ),
        idea(
            "At 2 a.m. the queue workers stopped. {mate} and I had them running again in "
            "minutes, found the memory leak by 3 and had the fix reviewed by breakfast. "
            "#oncall",
            TEAMWORK,
            hours=(7, 8),
        ),
    ],
    "Comunicación": [
        idea(
            "Our post about {other}'s accessibility work got more comments than any "
            "product announcement this year. Real work travels. #honestmarketing",
            OPEN,
            card="Real work travels",
        ),
        idea(
            "The bilingual press kit is done: every page in Spanish and English, checked "
            "by native speakers on both sides. #press",
            CUSTOMER,
        ),
        idea(
            "First internal story hour: {n} people shared a small win in two minutes each. "
            "Half of them want to post it here too. #community",
            LEARNING,
            n=(8, 16),
        ),
        idea(
            "Turned a 40-page brand manual into a one-page checklist. {mate} tried it on "
            "three drafts and it caught every issue. #brand",
            SIMPLE,
            card="40 pages → 1 checklist",
        ),
        idea(
            "The customer story with {client} is live, written with the team that did the "
            "work and approved by the customer. #honestmarketing",
            OPEN,
            TEAMWORK,
        ),
    ],
    "Personas": [
        idea(
            "Rewrote our job ads in neutral language and dropped requirements nobody "
            "needed. Applications for engineering roles doubled. #hiring",
            OPEN,
        ),
        idea(
            "{mate} and I rebuilt the first-week checklist for new starters. It fits on a "
            "phone screen and links to people, not policies. #onboarding",
            SIMPLE,
            card="Your first week, on one screen",
        ),
        idea(
            "Peer-learning hour number {n} today: someone from Finance showed spreadsheet "
            "tricks that have already saved me an hour. #learning",
            LEARNING,
            n=(10, 19),
        ),
        idea(
            "Hired our first remote support specialist after an interview process of ten "
            "days instead of six weeks. #hiring",
            SIMPLE,
        ),
        idea(
            "New parents now get a simple return-to-work plan written with their manager. "
            "Both people who used it said the first week felt calm. #wellbeing",
            TEAMWORK,
        ),
    ],
    "Sales": [
        idea(
            "Closed {client} this morning, {n} seats to start. They said our support "
            "team's reputation sealed it. #sales",
            CUSTOMER,
            TEAMWORK,
            card="Signed: {client}",
            n=(15, 80),
        ),
        idea(
            "Pipeline review went from an hour to twenty minutes with the one-page "
            "template {mate} made. #process",
            SIMPLE,
        ),
        idea(
            "A customer I lost last year came back today and asked for a call. Staying in "
            "touch without pushing paid off. #sales",
            CUSTOMER,
        ),
        idea(
            "Shadowed a support shift with {other}. Now I know what our promises cost the "
            "team, so: better promises from now on. #learning",
            LEARNING,
            OPEN,
        ),
        idea(
            "Quarterly target reached with {n} days to spare, as a team. Thanks to "
            "everyone who sent referrals our way. #sales",
            TEAMWORK,
            card="Quarter target: reached",
            chart=True,
            n=(4, 12),
        ),
        idea(
            "Renewed {client} without a single conversation about discounts. They just "
            "want to keep working with us. #customers",
            CUSTOMER,
        ),
    ],
    "Operaciones": [
        idea(
            "New courier contract signed: same-day delivery in two more cities at the same "
            "price. #logistics",
            CUSTOMER,
        ),
        idea(
            "Expense approval now takes two clicks instead of an email chain. {mate} did "
            "the hard part. #finance",
            SIMPLE,
            card="Expenses in two clicks",
        ),
        idea(
            "Swapped every office Wi-Fi access point over the weekend; nobody noticed on "
            "Monday, which was the whole point. #it",
            TEAMWORK,
        ),
        idea(
            "Every laptop now has full-disk encryption, and nobody lost their machine for "
            "a day to get it. #security",
            OPEN,
        ),
        idea(
            "Supplier onboarding uses one shared form instead of five spreadsheets. "
            "Procurement and Finance finally look at the same numbers. #process",
            SIMPLE,
            TEAMWORK,
        ),
    ],
    "Dirección": [
        idea(
            "Our all-hands ran in English and Spanish with live captions for the first "
            "time. Thank you {other} for making it happen. #inclusion",
            TEAMWORK,
        ),
    ],
    GENERAL: [
        idea(
            "Showed {other} how I keep my inbox at zero and got a crash course in keyboard "
            "shortcuts in return. Fair trade. #learning",
            LEARNING,
        ),
        idea(
            "Finished the data visualisation course I started in January. The first chart "
            "I made with it is in this week's team update. #learning",
            LEARNING,
            card="Course finished",
        ),
        idea(
            "Cross-team coffee roulette: {n} pairs met someone new this week. #community",
            TEAMWORK,
            n=(9, 24),
        ),
        idea(
            "Wrote a one-page guide to the expense tool and pinned it in the team channel. "
            "Questions about it dropped to zero. #docs",
            SIMPLE,
        ),
        idea(
            "Joined the Spanish conversation club at lunch. Today I ordered coffee for the "
            "whole table without switching to English. #learning",
            LEARNING,
        ),
        idea(
            "Our retro ended ten minutes early, with three clear actions. Small thing, but "
            "a first. #process",
            SIMPLE,
        ),
        idea(
            "Volunteered at the kids' coding club with {mate}: {n} children built their "
            "first web page. #volunteering",
            TEAMWORK,
            card="{n} first web pages",
            n=(10, 18),
        ),
        idea(
            "Finally documented the task only I knew how to do. Now I can go on holiday in "
            "peace. #docs",
            OPEN,
            SIMPLE,
        ),
        idea(
            "Gave my first internal talk, on writing a good bug report. {other} asked for "
            "the slides for their team. #learning",
            LEARNING,
        ),
        idea(
            "Cycled to the office every day this week for the green commute challenge, "
            "and {mate} joined me on Friday. #wellbeing",
            TEAMWORK,
        ),
        idea(
            "Mentored a new colleague through their first month; today they ran the team "
            "meeting on their own. #mentoring",
            LEARNING,
        ),
        idea(
            "Moved our weekly status meeting to a written update and got back an hour a "
            "week for {n} people. #process",
            SIMPLE,
            card="An hour back, every week",
            chart=True,
        ),
    ],
}
