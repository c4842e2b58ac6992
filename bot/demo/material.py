"""Made-up clients' words for the demo caseload: a few life stories, each told at every stage.

Nobody here is real. The stories are varied on purpose (school leavers, career changers, someone
returning to work, someone made redundant), so the portal looks like a real caseload.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    situation: str
    goals: tuple[str, ...]
    reflections: dict[str, str]  # theme → the client's answer
    options: tuple[tuple[str, str, str], ...]  # title, what attracts, what is unknown
    criteria: tuple[tuple[str, int], ...]  # name, weight 1-5
    steps: tuple[tuple[str, str, str], ...]  # step, support, if-then
    skills: str
    helped: str
    improve: str


STORIES = (
    Story(
        "I finished upper secondary school last spring and work part-time in a café while I figure out what to study.",
        ("Choose what to study next autumn", "Find out what a nurse's day is really like"),
        {
            "values": "helping people, a steady income, working in a team",
            "interests": "biology, looking after my little brother, sports",
            "strengths": "I stay calm when things get hectic",
            "experiences": "volunteering at the summer camp for kids",
            "circumstances": "I want to stay in my home town for now",
        },
        (
            ("Nursing", "helping people every day", "whether I can handle night shifts"),
            ("Physiotherapy", "sports and the body", "how hard it is to get in"),
            ("Social work", "working with families", "the pay"),
        ),
        (("Helping people", 5), ("Steady income", 4), ("Close to home", 3)),
        (
            ("Shadow a nurse for a day at the health centre", "my aunt works there", "if I can't get a day, then I'll ask the school nurse"),
            ("Check the application dates for nursing programmes", "", "if I miss the spring round, then I'll apply in autumn"),
            ("Talk to a physiotherapy student", "my football coach knows one", "if nobody answers, then I'll go to the open day"),
        ),
        "writing a good application letter",
        "Being asked what matters to me before talking about jobs.",
        "Some questions felt repetitive.",
    ),
    Story(
        "I've worked in retail for twelve years and I'm a shift manager now, but I feel stuck and tired of the weekends.",
        ("Find work with regular hours", "Use my experience of leading a team"),
        {
            "values": "fairness, time with my kids, being trusted",
            "interests": "planning, people, numbers",
            "strengths": "I organise rotas that everyone can live with",
            "experiences": "training new staff through a busy Christmas",
            "circumstances": "I can't take a pay cut of more than ten percent",
        },
        (
            ("Logistics coordinator", "planning and regular hours", "whether they hire people without a degree"),
            ("HR assistant", "working with people", "the qualifications needed"),
            ("Store operations at head office", "I know the business", "whether there are openings near me"),
        ),
        (("Regular hours", 5), ("Pay", 4), ("Use my experience", 3)),
        (
            ("Update my CV with the team-leading results", "a friend in HR offered to read it", "if I get stuck, then I'll book the library's CV clinic"),
            ("Apply for two logistics coordinator jobs", "", "if I hear nothing in two weeks, then I'll call them"),
            ("Ask my area manager about head-office roles", "", "if she's not encouraging, then I'll look elsewhere"),
        ),
        "warehouse management software",
        "The plan with dates made it feel doable.",
        "I would have liked to save the plan as a file.",
    ),
    Story(
        "I've been at home with my children for six years and want to go back to work, maybe in something new.",
        ("Find a job that fits school hours", "Get my confidence back"),
        {
            "values": "flexibility, doing something meaningful, learning",
            "interests": "gardening, organising events at the school, reading",
            "strengths": "I get things done with very little",
            "experiences": "running the school's spring fair",
            "circumstances": "I need to be home by three",
        },
        (
            ("School assistant", "fits school hours", "what training it takes"),
            ("Event coordinator", "I loved organising the fair", "whether part-time work exists"),
            ("Garden centre staff", "plants and people", "the pay"),
        ),
        (("Fits school hours", 5), ("Meaningful", 4), ("Pay", 2)),
        (
            ("Ask the headteacher about assistant training", "", "if there is none locally, then I'll look online"),
            ("Volunteer at one community event", "my neighbour organises them", "if it's too much, then I'll help for half a day"),
            ("Write down three things I did well at the fair", "", "if I can't think of any, then I'll ask the other parents"),
        ),
        "using spreadsheets for budgets",
        "Being asked, not told.",
        "",
    ),
    Story(
        "I was made redundant from a printing company after twenty years and I don't know where my skills fit now.",
        ("Find out which of my skills are wanted", "Decide whether to retrain"),
        {
            "values": "good work done properly, security, colleagues",
            "interests": "machines, fixing things, colour",
            "strengths": "I can fix almost any machine",
            "experiences": "keeping the presses running through a flood",
            "circumstances": "I'm 52 and don't want to move",
        },
        (
            ("Maintenance technician", "fixing machines", "which certificates I need"),
            ("Packaging production", "close to what I know", "whether it's shift work"),
            ("Retrain as an electrician", "always wanted to", "how long it takes at my age"),
        ),
        (("Security", 5), ("Use my skills", 4), ("Close to home", 4)),
        (
            ("Book a skills assessment at the employment office", "", "if there's a long wait, then I'll ask for the online one"),
            ("Ask two former colleagues where they found work", "", "if they don't know, then I'll check the union's job board"),
            ("Find the electrician course's entry requirements", "", "if they're too strict, then I'll look at maintenance certificates"),
        ),
        "electrical safety certificate",
        "It helped to see my skills written down.",
        "It was hard to type long answers on my phone.",
    ),
    Story(
        "I'm in the second year of a business degree and I'm not sure it's for me; I like design much more.",
        ("Decide whether to switch to design", "Find a summer job that tests it"),
        {
            "values": "creativity, freedom, making something people use",
            "interests": "drawing, apps, typography",
            "strengths": "people say my slides are the clearest",
            "experiences": "designing the logo for the student union",
            "circumstances": "I have a student loan and can't afford a lost year",
        },
        (
            ("Switch to a design degree", "doing what I love", "whether my credits transfer"),
            ("Finish business, add design courses", "safer", "whether I'd still be a designer"),
            ("UX work after graduating", "design and business together", "what the jobs need"),
        ),
        (("Creativity", 5), ("Money", 3), ("Time to degree", 4)),
        (
            ("Ask study services whether my credits transfer", "", "if the answer is unclear, then I'll book a meeting"),
            ("Make three pieces for a portfolio", "a friend at the design school will give feedback", "if I run out of ideas, then I'll redo the union logo"),
            ("Apply for a summer internship in UX", "", "if I get none, then I'll do a design job for a club"),
        ),
        "a portfolio website",
        "Weighing the options with my own criteria.",
        "The decision table was hard to read on my phone.",
    ),
    Story(
        "I moved here two years ago, I was a teacher at home and now I work in cleaning; my language is getting better.",
        ("Find a way back into teaching", "Improve my language to the level work needs"),
        {
            "values": "education, respect, a future for my family",
            "interests": "mathematics, children, languages",
            "strengths": "I explain things patiently",
            "experiences": "teaching maths for eight years",
            "circumstances": "my diploma is not recognised yet",
        },
        (
            ("Get my teaching diploma recognised", "teaching again", "how long it takes"),
            ("Work as a school assistant first", "being in a school", "the language level needed"),
            ("Tutor maths privately", "using my skills now", "how to find students"),
        ),
        (("Teaching", 5), ("Income soon", 4), ("Language practice", 3)),
        (
            ("Send my diploma for recognition", "the advice centre helps with the forms", "if documents are missing, then I'll ask my old school"),
            ("Take the language exam at the next date", "", "if I don't pass, then I'll take the course again"),
            ("Offer maths tutoring at the library", "", "if nobody comes, then I'll ask the school's parents' group"),
        ),
        "the language for classroom teaching",
        "That I could write in simple sentences and it understood me.",
        "",
    ),
)

FIRST_NAMES = (
    "Mia", "Leo", "Aino", "Noah", "Sara", "Eli", "Lina", "Omar", "Ella", "Juho", "Nora", "Ali", "Iida", "Sam", "Vera",
    "Kai", "Emma", "Otto", "Lea", "Amir", "Ida", "Teo", "Maya", "Ben", "Aada", "Luca", "Sofia", "Elias", "Hanna", "Yusuf",
    "Alva", "Milo", "Rosa", "Onni", "Zoe", "Adam", "Pia", "Eetu", "Nina", "Hugo",
)  # fmt: skip
INITIALS = "ABCDEFGHJKLMNOPRSTUVW"

FLAG_OUTCOMES = (
    "Phoned the client the same afternoon. They are safe, their partner is with them, and they have the crisis line number. "
    "Agreed to talk again on Friday.",
    "Called and left a message, then reached them the next morning: they felt better, had spoken to their GP, and want to "
    "carry on with the plan. Will check in at the next session.",
    "Met the client at the office. They have support from a counsellor at the student health service; we agreed they will "
    "tell me if things get worse.",
)
# What practitioners wrote to their clients from the portal (bot/storage/contact.py).
PRACTITIONER_MESSAGES = (
    "Thanks for your summary. I've put the date of our next session in; see you then.",
    "Could you bring your list of courses to our next session? We'll go through it together.",
    "I found the open day dates you asked about: they're on the college's website under 'Visit us'.",
    "Good luck with the application this week. Let me know in your next summary how it went.",
    "Just checking in after our call. Take your time with the plan; there's no rush.",
)
NOTES = (
    "Prefers to be contacted by e-mail, not phone, during working hours.",
    "Discussed funding options for retraining; to look at the adult-education grant together next time.",
    "Very motivated after the last session. Bring the list of open days.",
    "Mentioned worries about money; gave the address of the debt advice service.",
    "Next session: go through the options table and the gut check.",
    "Asked for a reference letter from the café manager.",
)
