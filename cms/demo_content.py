"""The demo's words: three good-practice stories, the resource page and the standard pages, in Bahasa
Indonesia and English. Written for Pelita from public facts about the programme (see ../shared/seeds/);
the people quoted are described by role only and the figures are illustrative."""

P = "paragraph"


def para(html: str) -> dict:
    return {"type": P, "value": html}


def heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "size": "h2"}}


def quote(text: str, role: str) -> dict:
    return {"type": "quote", "value": {"text": text, "speaker": "", "role": role}}


def figures(title: str, items: list[tuple[str, str]], source: str) -> dict:
    return {
        "type": "key_figures",
        "value": {
            "title": title,
            "figures": [{"value": v, "label": label} for v, label in items],
            "source": source,
        },
    }


STORIES = [
    {
        "key": "parenting",
        "area": "52.02.01.2013",
        "date": (2026, 8, 14),
        "themes": ["community-parenting", "child-protection"],
        "partners": [("Yayasan Tunas Alam Indonesia (SANTAI)", ""), ("Pemerintah Desa Jago", "")],
        "image": ("parenting", "Bukit hijau dan balai desa di bawah langit pagi (ilustrasi)", (46, 125, 90)),
        "id": {
            "title": "Sore Bersama di Balai Desa: Pengasuhan Bersama di Desa Jago",
            "slug": "pengasuhan-bersama-desa-jago",
            "summary": "Setiap Kamis sore, kakek, nenek dan bibi yang mengasuh anak pekerja migran di Desa Jago "
            "berkumpul di balai desa untuk belajar dan saling menguatkan.",
            "alt": "Ilustrasi: bukit hijau dan balai desa di bawah langit pagi",
            "body": [
                para(
                    "<p>Di Desa Jago, Kecamatan Praya, banyak anak tinggal bersama kakek, nenek atau bibi karena "
                    "ayah atau ibunya bekerja di Malaysia dan Arab Saudi. Pengasuh ini menyayangi anak-anak, "
                    "tetapi sering merasa sendirian ketika anak mulai malas sekolah atau sulit diajak bicara.</p>"
                ),
                heading("Dari keluhan di posyandu menjadi kegiatan rutin"),
                para(
                    "<p>Gagasan itu berawal dari obrolan kader di posyandu. Bersama fasilitator desa, mereka "
                    "memakai pilar <em>Community Parenting</em> dari program Desa Migran Produktif (Desmigratif) "
                    "sebagai pegangan: bimbingan dan konseling keluarga, belajar mengelola kiriman uang, serta "
                    "kegiatan membaca, berhitung, kesenian, olahraga dan mengaji untuk anak-anak.</p>"
                    "<p>Kini setiap Kamis sore balai desa ramai. Para pengasuh berdiskusi dengan konselor dari "
                    "Puspaga kabupaten, sementara anak-anak belajar bersama relawan pemuda di ruang sebelah.</p>"
                ),
                quote(
                    "Dulu saya bingung kalau cucu tidak mau sekolah. Sekarang saya tahu harus bicara dengan siapa, "
                    "dan saya tidak malu lagi bertanya.",
                    "Nenek pengasuh, Dusun Jago Timur",
                ),
                figures(
                    "Enam bulan pertama",
                    [
                        ("24", "sesi pengasuhan bersama"),
                        ("31", "keluarga pengasuh ikut"),
                        ("5", "relawan pemuda"),
                    ],
                    "Catatan forum Desa Jago (angka ilustrasi untuk demo)",
                ),
                para(
                    "<p>Masalah yang tidak selesai di balai desa dibawa ke forum desa, lalu bila perlu ke forum "
                    "kecamatan. Cara berjenjang ini membuat pengasuh tahu bahwa keluhan mereka ditindaklanjuti.</p>"
                ),
            ],
        },
        "en": {
            "title": "Thursday Afternoons at the Village Hall: Community Parenting in Desa Jago",
            "slug": "community-parenting-desa-jago",
            "summary": "Every Thursday afternoon, the grandparents and aunts raising migrant workers' children in "
            "Desa Jago meet at the village hall to learn together and support each other.",
            "alt": "Illustration: green hills and a village hall under a morning sky",
            "body": [
                para(
                    "<p>In Desa Jago, Praya district, many children live with a grandparent or an aunt while their "
                    "father or mother works in Malaysia or Saudi Arabia. The caregivers love the children, but "
                    "often feel alone when a child stops going to school or stops talking.</p>"
                ),
                heading("From a complaint at the health post to a weekly routine"),
                para(
                    "<p>It began with cadres talking at the posyandu. With the village facilitator they took the "
                    "<em>Community Parenting</em> pillar of the Productive Migrant Village programme (Desmigratif) "
                    "as their guide: family guidance and counselling, learning to manage remittances, and reading, "
                    "arithmetic, arts, sports and religious study for the children.</p>"
                    "<p>Now the village hall is busy every Thursday afternoon. Caregivers talk with a counsellor "
                    "from the district Puspaga while the children study with young volunteers next door.</p>"
                ),
                quote(
                    "I used to be at a loss when my grandson would not go to school. Now I know whom to talk to, "
                    "and I am no longer ashamed to ask.",
                    "Grandmother and caregiver, Dusun Jago Timur",
                ),
                figures(
                    "The first six months",
                    [
                        ("24", "community parenting sessions"),
                        ("31", "caregiving families"),
                        ("5", "youth volunteers"),
                    ],
                    "Desa Jago forum records (illustrative figures for the demo)",
                ),
                para(
                    "<p>What the village hall cannot solve goes to the village forum, and if needed to the "
                    "district forum. This tiered way of working shows caregivers that their concerns are followed "
                    "up.</p>"
                ),
            ],
        },
    },
    {
        "key": "village-fund",
        "area": "52.02.06.2001",
        "date": (2026, 9, 22),
        "themes": ["village-funds", "education"],
        "partners": [("Pemerintah Desa Sukaraja", ""), ("Forum Anak Desa Sukaraja", "")],
        "image": ("village-fund", "Sawah bertingkat dan matahari sore (ilustrasi)", (180, 120, 40)),
        "id": {
            "title": "Dana Desa untuk Anak yang Ditinggal Merantau: Pelajaran dari Sukaraja",
            "slug": "dana-desa-anak-pekerja-migran-sukaraja",
            "summary": "Musyawarah desa di Sukaraja menyisihkan sebagian Dana Desa untuk perlengkapan sekolah dan "
            "kegiatan anak pekerja migran, setelah kader membawa data dari forum dusun.",
            "alt": "Ilustrasi: sawah bertingkat di bawah matahari sore",
            "body": [
                para(
                    "<p>Surat Edaran Gubernur NTB tahun 2017 meminta bupati dan wali kota memastikan perencanaan "
                    "anggaran memperhatikan anak pekerja migran, termasuk lewat Dana Desa. Di Desa Sukaraja, "
                    "Kecamatan Praya Timur, pesan itu baru terasa ketika kader datang ke musyawarah desa dengan "
                    "catatan dari dua dusun.</p>"
                ),
                heading("Data yang membuka pembicaraan"),
                para(
                    "<p>Kader mencatat berapa anak yang orang tuanya bekerja di luar negeri, siapa yang belum "
                    "punya akta kelahiran dan siapa yang berhenti sekolah. Catatan itu dibahas di forum dusun, "
                    "dirangkum di forum desa, lalu dibawa ke musyawarah perencanaan tanpa menyebut nama anak.</p>"
                    "<p>Hasilnya, desa menganggarkan seragam dan alat tulis untuk anak yang paling membutuhkan, "
                    "honor kecil bagi relawan kelompok belajar, dan biaya transport kader untuk mengantar berkas "
                    "ke kantor kecamatan.</p>"
                ),
                quote(
                    "Angka dari forum dusun membuat kami sadar masalah ini ada di depan rumah kami sendiri.",
                    "Anggota Badan Permusyawaratan Desa",
                ),
                figures(
                    "Dalam APBDes tahun ini",
                    [
                        ("3", "kegiatan untuk anak pekerja migran"),
                        ("2", "dusun mengirim data"),
                        ("1", "peraturan desa disiapkan"),
                    ],
                    "Dokumen perencanaan Desa Sukaraja (angka ilustrasi untuk demo)",
                ),
            ],
        },
        "en": {
            "title": "Village Funds for Children Left Behind: Lessons from Sukaraja",
            "slug": "village-funds-sukaraja",
            "summary": "Sukaraja's village planning meeting set aside part of the Village Fund for school supplies "
            "and activities for migrant workers' children, after cadres brought figures from the hamlet forums.",
            "alt": "Illustration: terraced rice fields under the afternoon sun",
            "body": [
                para(
                    "<p>The NTB Governor's 2017 Circular Letter asked district heads and mayors to plan budgets "
                    "with migrant workers' children in mind, including through the Village Fund. In Desa Sukaraja, "
                    "Praya Timur district, that request became real when cadres came to the village planning "
                    "meeting with notes from two hamlets.</p>"
                ),
                heading("Figures that opened the conversation"),
                para(
                    "<p>The cadres recorded how many children had a parent working abroad, who had no birth "
                    "certificate and who had dropped out of school. The notes were discussed in the hamlet forums, "
                    "summarised in the village forum and taken to the planning meeting without naming any child.</p>"
                    "<p>As a result the village budgeted uniforms and stationery for the children most in need, a "
                    "small allowance for study-group volunteers, and transport for cadres taking paperwork to the "
                    "district office.</p>"
                ),
                quote(
                    "The figures from the hamlet forums made us see that this problem is right outside our door.",
                    "Member of the village consultative council",
                ),
                figures(
                    "In this year's village budget",
                    [
                        ("3", "activities for migrant workers' children"),
                        ("2", "hamlets sent figures"),
                        ("1", "village regulation in preparation"),
                    ],
                    "Desa Sukaraja planning documents (illustrative figures for the demo)",
                ),
            ],
        },
    },
    {
        "key": "birth-certificates",
        "area": "52.02.01",
        "date": (2026, 10, 30),
        "themes": ["birth-registration", "social-assistance"],
        "partners": [
            ("Dinas Dukcapil Kab. Lombok Tengah", ""),
            ("Yayasan Tunas Alam Indonesia (SANTAI)", ""),
        ],
        "image": ("birth-certificates", "Jalan desa menuju kantor kecamatan (ilustrasi)", (40, 90, 160)),
        "id": {
            "title": "Akta Kelahiran Sampai ke Tangan Anak yang Ditinggal Orang Tuanya",
            "slug": "akta-kelahiran-anak-pekerja-migran",
            "summary": "Di Kecamatan Praya, rujukan dari pendamping desa ke Dukcapil membuat anak-anak yang "
            "orang tuanya bekerja di luar negeri akhirnya memiliki akta kelahiran.",
            "alt": "Ilustrasi: jalan desa yang berkelok menuju kantor kecamatan",
            "body": [
                para(
                    "<p>Tanpa akta kelahiran, anak sulit mendaftar sekolah, mendapat Kartu Indonesia Pintar atau "
                    "masuk kepesertaan BPJS Kesehatan. Bagi anak pekerja migran, urusan ini sering tertunda "
                    "karena orang tua yang memegang dokumen sedang berada di luar negeri.</p>"
                ),
                heading("Rujukan, bukan antrean"),
                para(
                    "<p>Pendamping desa mencatat kebutuhan anak, meminta persetujuan pengasuh, lalu mengirim "
                    "rujukan ke Dinas Dukcapil Kabupaten Lombok Tengah. Petugas Dukcapil menanggapi dalam tiga hari "
                    "kerja, menanyakan dokumen yang kurang lewat utas rujukan, dan mencatat nomor akta ketika "
                    "selesai.</p>"
                    "<p>Pengasuh tidak perlu bolak-balik ke kota. Berkas diantar kader, dan akta diserahkan di "
                    "balai desa.</p>"
                ),
                quote(
                    "Kami bisa melihat rujukan mana yang menunggu dan mana yang sudah selesai, jadi tidak ada anak "
                    "yang terlupa.",
                    "Petugas layanan Dinas Dukcapil",
                ),
                figures(
                    "Tiga bulan rujukan",
                    [
                        ("40", "rujukan akta kelahiran"),
                        ("35", "akta terbit"),
                        ("3", "hari kerja rata-rata untuk menanggapi"),
                    ],
                    "Rekap rujukan Kecamatan Praya (angka ilustrasi untuk demo)",
                ),
            ],
        },
        "en": {
            "title": "Birth Certificates Reaching the Children Left Behind",
            "slug": "birth-certificates-children-left-behind",
            "summary": "In Praya district, referrals from village case workers to the civil registry office mean "
            "that children whose parents work abroad finally have a birth certificate.",
            "alt": "Illustration: a winding village road leading to the district office",
            "body": [
                para(
                    "<p>Without a birth certificate a child struggles to enrol in school, to get the Smart "
                    "Indonesia Card or to be covered by national health insurance. For migrant workers' children "
                    "the paperwork is often put off because the parent who holds the documents is abroad.</p>"
                ),
                heading("A referral, not a queue"),
                para(
                    "<p>The village case worker records what the child needs, asks the caregiver's consent and "
                    "sends a referral to the civil registry office (Dinas Dukcapil) of Lombok Tengah. Its staff "
                    "answer within three working days, ask about missing documents in the referral's thread and "
                    "record the certificate number when it is done.</p>"
                    "<p>Caregivers no longer travel back and forth to town: cadres carry the papers and the "
                    "certificate is handed over at the village hall.</p>"
                ),
                quote(
                    "We can see which referrals are waiting and which are done, so no child is forgotten.",
                    "Civil registry office liaison",
                ),
                figures(
                    "Three months of referrals",
                    [
                        ("40", "birth certificate referrals"),
                        ("35", "certificates issued"),
                        ("3", "working days on average to respond"),
                    ],
                    "Praya district referral summary (illustrative figures for the demo)",
                ),
            ],
        },
    },
]

HOME_BODY = {
    "id": [
        heading("Apa yang dilakukan Pelita"),
        para(
            "<p><b>Forum berjenjang.</b> Kader, perangkat desa, guru, bidan dan petugas dinas berdiskusi di forum "
            "dusun, desa, kecamatan, kabupaten dan provinsi. Yang tidak selesai di dusun dibawa ke forum di "
            "atasnya.</p><p><b>Rujukan layanan.</b> Pendamping mencatat kebutuhan anak dan merujuknya ke dinas: "
            "akta kelahiran, sekolah, BPJS Kesehatan, PKH, konseling keluarga, perlindungan anak.</p>"
            "<p><b>Cerita praktik baik.</b> Apa yang berhasil di satu desa diceritakan agar bisa ditiru di desa "
            "lain.</p>"
        ),
    ],
    "en": [
        heading("What Pelita does"),
        para(
            "<p><b>Tiered forums.</b> Cadres, village officials, teachers, midwives and agency staff discuss in the "
            "forums of the hamlet, village, district, regency and province. What a hamlet cannot solve goes up to "
            "the next forum.</p><p><b>Service referrals.</b> Case workers record what a child needs and refer the "
            "child to an agency: birth certificate, school, health insurance, family cash transfer, family "
            "counselling, child protection.</p><p><b>Good-practice stories.</b> What worked in one village is told "
            "so that the next village can do it too.</p>"
        ),
    ],
}

STORY_INDEX = {
    "id": {
        "title": "Cerita Praktik Baik",
        "slug": "cerita",
        "intro": "Apa yang berhasil melindungi anak pekerja migran, dari desa ke desa.",
    },
    "en": {
        "title": "Good-practice stories",
        "slug": "stories",
        "intro": "What worked to protect migrant workers' children, village by village.",
    },
}

STANDARD_PAGES = [
    {
        "key": "about",
        "id": {
            "title": "Tentang Pelita",
            "slug": "tentang",
            "intro": "Pelita menghubungkan orang-orang yang melindungi anak pekerja migran Indonesia yang ditinggal di kampung halaman.",
            "body": [
                para(
                    "<p>Pelita lahir dari pengalaman program perlindungan anak pekerja migran di Lombok Timur dan "
                    "Lombok Tengah, yang mendorong terbitnya Surat Edaran Gubernur NTB Nomor 400/10/BP3AKB tahun "
                    "2017. Surat edaran itu meminta koordinasi lintas dinas, layanan dasar bagi anak (akta "
                    "kelahiran, KIP, KIS, PKH) dan forum warga yang berjenjang dari dusun sampai provinsi.</p>"
                    "<p>Pelita memindahkan kerja itu dari grup pesan dan buku register ke satu tempat yang aman: "
                    "forum per wilayah, rujukan yang hanya dapat dibaca oleh pihak yang terlibat, dan cerita "
                    "praktik baik dalam dua bahasa.</p>"
                )
            ],
        },
        "en": {
            "title": "About Pelita",
            "slug": "about",
            "intro": "Pelita connects the people who protect the children Indonesian migrant workers leave at home.",
            "body": [
                para(
                    "<p>Pelita grew out of child protection work for migrant workers' children in Lombok Timur and "
                    "Lombok Tengah, which led to the NTB Governor's Circular Letter 400/10/BP3AKB of 2017. The letter "
                    "asks for coordination between agencies, basic services for the children (birth certificates, "
                    "school aid, health insurance, family cash transfers) and citizen forums at every tier from the "
                    "hamlet to the province.</p><p>Pelita moves that work from chat groups and paper registers into "
                    "one safe place: a forum per area, referrals that only the people involved can read, and "
                    "good-practice stories in two languages.</p>"
                )
            ],
        },
    },
    {
        "key": "privacy",
        "id": {
            "title": "Pemberitahuan Privasi",
            "slug": "privasi",
            "intro": "Data apa tentang anak yang disimpan Pelita, siapa yang dapat melihatnya, berapa lama disimpan, dan bagaimana pengasuh meminta salinan atau penghapusan (sesuai UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).",
            "body": [
                heading("Data yang kami simpan"),
                para(
                    "<p>Untuk setiap anak yang didampingi: nama, jenis kelamin, tanggal lahir, NIK bila ada, dusun, "
                    "nama pengasuh dan hubungannya dengan anak, orang tua yang bekerja di luar negeri (negara dan "
                    "sejak kapan), daftar kebutuhan layanan, persetujuan pengasuh, serta riwayat rujukan. Data anak "
                    "termasuk data pribadi yang bersifat spesifik, sehingga diproses dengan perlindungan tambahan.</p>"
                ),
                heading("Siapa yang dapat melihatnya"),
                para(
                    "<p>Identitas anak hanya dapat dilihat oleh pendamping yang menangani anak itu dan oleh petugas "
                    "dinas yang menerima rujukan, sebatas data yang dibagikan dalam rujukan dan hanya untuk dinas "
                    "yang disetujui pengasuh. Forum hanya menampilkan kode kasus samaran, tidak pernah nama anak. Koordinator melihat angka agregat; angka di bawah lima disamarkan. Setiap kali "
                    "identitas anak dibuka, tercatat siapa dan kapan.</p>"
                ),
                heading("Berapa lama disimpan"),
                para(
                    "<p>Data kasus disimpan selama anak didampingi dan paling lama lima tahun setelah kasus "
                    "ditutup atau setelah anak berusia 18 tahun, mana yang lebih dahulu, lalu dihapus atau dibuat "
                    "anonim. Catatan audit disimpan lima tahun.</p>"
                ),
                heading("Hak pengasuh dan cara memintanya"),
                para(
                    "<p>Pengasuh atau orang tua dapat meminta salinan data anak, perbaikan data yang salah, "
                    "penarikan persetujuan, atau penghapusan data. Sampaikan permintaan kepada pendamping desa atau "
                    "lewat halaman Kontak. Kami menanggapi paling lambat 3 x 24 jam sejak permintaan diterima dan "
                    "memverifikasi identitas pemohon sebelum memberikan data apa pun.</p>"
                ),
            ],
        },
        "en": {
            "title": "Privacy notice",
            "slug": "privacy",
            "intro": "What Pelita holds about children, who can see it, how long it is kept, and how a caregiver asks for a copy or for deletion (under Law 27 of 2022 on Personal Data Protection, UU PDP).",
            "body": [
                heading("What we hold"),
                para(
                    "<p>For each child supported: name, sex, date of birth, national identity number (NIK) if known, "
                    "hamlet, the caregiver's name and relation to the child, which parent works abroad (country and "
                    "since when), the list of services needed, the caregiver's consent and the history of referrals. "
                    "Children's data is specific personal data under UU PDP and is processed with extra safeguards.</p>"
                ),
                heading("Who can see it"),
                para(
                    "<p>A child's identity is visible only to the case worker handling the child and to the staff of "
                    "an agency that receives a referral, limited to what the referral shares and only for agencies "
                    "the caregiver agreed to. Forums show a pseudonymous case code only, never the child's name. Coordinators see aggregate figures; counts below five are masked. Every time a "
                    "child's identity is opened, who and when is recorded.</p>"
                ),
                heading("How long it is kept"),
                para(
                    "<p>Case data is kept while the child is supported and at most five years after the case is "
                    "closed or the child turns 18, whichever comes first, then deleted or anonymised. Audit records "
                    "are kept for five years.</p>"
                ),
                heading("A caregiver's rights and how to use them"),
                para(
                    "<p>A caregiver or parent may ask for a copy of the child's data, correction of wrong data, "
                    "withdrawal of consent, or deletion. Ask the village case worker or write through the Contact "
                    "page. We answer within 3 x 24 hours of receiving the request and verify the requester's "
                    "identity before giving out any data.</p>"
                ),
            ],
        },
    },
    {
        "key": "contact",
        "id": {
            "title": "Kontak",
            "slug": "kontak",
            "intro": "Pertanyaan tentang Pelita, permintaan data pribadi, atau cerita yang ingin dibagikan.",
            "body": [
                para(
                    "<p>Sekretariat Pelita, Mataram, Nusa Tenggara Barat.<br>Surel: halo@pelita.local</p>"
                    "<p>Untuk permintaan salinan atau penghapusan data anak, sebutkan desa dan nama pengasuh. "
                    "Jangan kirim foto dokumen lewat surel; pendamping desa akan menghubungi Anda.</p>"
                )
            ],
        },
        "en": {
            "title": "Contact",
            "slug": "contact",
            "intro": "Questions about Pelita, personal data requests, or a story to share.",
            "body": [
                para(
                    "<p>Pelita secretariat, Mataram, West Nusa Tenggara.<br>E-mail: halo@pelita.local</p>"
                    "<p>For a copy or deletion of a child's data, give the village and the caregiver's name. Do not "
                    "send photos of documents by e-mail; the village case worker will contact you.</p>"
                )
            ],
        },
    },
]

RESOURCE = {
    "issued_by": "Gubernur Nusa Tenggara Barat",
    "reference": "400/10/BP3AKB",
    "issued_on": (2017, 1, 18),
    "id": {
        "title": "Surat Edaran Gubernur NTB 400/10/BP3AKB Tahun 2017 tentang Perlindungan Anak Buruh Migran",
        "slug": "surat-edaran-gubernur-ntb-400-10-bp3akb-2017",
        "summary": "Ringkasan surat edaran yang meminta kabupaten/kota di NTB menjamin layanan dasar bagi anak buruh migran.",
        "body": [
            para(
                "<p>Surat edaran tertanggal 18 Januari 2017 ini ditujukan kepada bupati/wali kota se-NTB dan kepala "
                "perangkat daerah provinsi. Tujuannya menjamin anak buruh migran mendapat hak dasarnya (pendidikan, "
                "kesehatan, hak sipil dan bantuan sosial) dengan prinsip kepentingan terbaik bagi anak dan tanpa "
                "diskriminasi.</p>"
            ),
            heading("Tiga hal yang diminta"),
            para(
                "<ol><li>Koordinasi provinsi dan kabupaten/kota untuk layanan dasar: bantuan siswa miskin, KIP, "
                "BPJS Kesehatan/KIS, PKH dan akta kelahiran gratis.</li><li>Kebijakan dan perencanaan anggaran "
                "yang responsif terhadap perlindungan anak buruh migran, termasuk lewat Dana Desa.</li>"
                "<li>Penguatan partisipasi masyarakat melalui forum warga dan forum multipihak yang berjenjang dari "
                "dusun, desa, sampai provinsi.</li></ol>"
            ),
        ],
    },
    "en": {
        "title": "NTB Governor's Circular Letter 400/10/BP3AKB of 2017 on Protecting Migrant Workers' Children",
        "slug": "ntb-governor-circular-letter-400-10-bp3akb-2017",
        "summary": "A summary of the letter asking NTB's regencies and cities to secure basic services for migrant workers' children.",
        "body": [
            para(
                "<p>Dated 18 January 2017, the letter is addressed to the regents and mayors of NTB and to the heads "
                "of the provincial offices. It aims to secure the basic rights of migrant workers' children "
                "(education, health, civil registration and social assistance) in the child's best interest and "
                "without discrimination.</p>"
            ),
            heading("Three requests"),
            para(
                "<ol><li>Coordination between the province and the regencies and cities on basic services: aid for "
                "poor pupils, the Smart Indonesia Card, health insurance (BPJS Kesehatan/KIS), the family cash "
                "transfer (PKH) and free birth certificates.</li><li>Policies and budget planning responsive to "
                "these children's protection, including through the Village Fund.</li><li>Stronger community "
                "participation through citizen and multi-stakeholder forums at every tier, from hamlet and "
                "village to province.</li></ol>"
            ),
        ],
    },
}

PDF_LINES = [
    "Ringkasan: Surat Edaran Gubernur NTB Nomor 400/10/BP3AKB",
    "Tanggal 18 Januari 2017 - Perlindungan Anak Buruh Migran",
    "",
    "Kepada: Bupati/Walikota se-NTB dan Kepala SKPD Provinsi NTB",
    "",
    "1. Koordinasi layanan dasar: BSM, KIP, BPJS Kesehatan/KIS, PKH,",
    "   akta kelahiran gratis.",
    "2. Kebijakan dan anggaran yang responsif, termasuk Dana Desa.",
    "3. Forum warga dan forum multipihak berjenjang, dusun sampai provinsi.",
    "",
    "Dokumen ringkasan untuk demo Pelita, bukan salinan resmi.",
]
