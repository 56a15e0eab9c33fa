"""Writes the sample exports of this folder (run once; the files are committed).

Each follows the public column layout of its source: HubSpot contacts/deals/companies exports,
Salesforce lead, opportunity and campaign reports saved from French (cp1252, ';', dd/mm/yyyy,
decimal comma) or US Excel, and a plain tab-separated touchpoint list.
"""

import codecs
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
NBSP, NNBSP = "\u00a0", "\u202f"

HUBSPOT_CONTACTS = """Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Country/Region,Lifecycle Stage,Lead Status,Contact owner,Create Date,Became a Lead Date,Became a Marketing Qualified Lead Date,Became a Sales Qualified Lead Date,Became an Opportunity Date,Became a Customer Date
51,Amélie,Durand,amelie.durand@lumiere-sas.fr,+33 1 42 68 53 00,Directrice marketing,Lumière SAS,France,marketingqualifiedlead,Open,rita@example.fr,2024-03-05 14:12,2024-03-05 14:12,2024-03-18 09:30,,,
52,Bruno,Lefèvre,Bruno.Lefevre@Atelier-Nord.fr,,"Responsable achats, site de Lille",Atelier Nord,FR,customer,,dave@example.fr,2024-01-09 08:00,2024-01-09 08:00,2024-01-15 10:00,2024-01-16 11:45,2024-01-22 16:20,2024-02-28 17:05
53,Chloé,Martin,chloe.martin@vertbleu.io,+33 6 12 34 56 78,"Head of Growth
(intérim)",Vert & Bleu,Belgique,lead,Attempted to Contact,,2024-04-02 11:00,2024-04-02 11:00,,,,
54,David,Nguyen,david.nguyen@exemple-industrie.fr,,CTO,Exemple Industrie,France,salesqualifiedlead,Connected,Mia Test,2024-02-12 13:37,2024-02-12 13:37,2024-02-20 09:00,2024-02-21 15:30,,
55,Emma,Rousseau,emma.rousseau@lumiere-sas.fr,,Chargée de communication,Lumière SAS,France,subscriber,,,2024-05-06 09:15,,,,,
56,Bruno,Lefèvre,bruno.lefevre@atelier-nord.fr,+33 3 20 00 00 00,,,,,,,,,,,,
"""

SALESFORCE_LEADS = f"""Lead ID;First Name;Last Name;Title;Company / Account;Email;Lead Source;Lead Status;Lead Owner;Created Date;Converted Date;Country;Annual Revenue
00Q5g00000A1bCdEAF;François;Lemaître;Directeur général;Société Générale d'Équipement;f.lemaitre@sge-equipement.fr;Trade Show;Open - Not Contacted;Dave Test;14/02/2024;;France;1{NBSP}250{NBSP}000,50
00Q5g00000A1bCeEAF;Hélène;Bérard;Responsable RH;Crèmerie Bérard;helene@cremerie-berard.fr;Web;Working - Contacted;;03/01/2024;;France;85{NBSP}000,00
00Q5g00000A1bCfEAF;Jérôme;Côté;DAF;Château & Fils;jerome.cote@chateau-fils.fr;Partner Referral;Closed - Converted;dave@example.fr;25/11/2023;08/01/2024;Belgique;2.500.000,00
00Q5g00000A1bCgEAF;Zoë;Faure;Acheteuse;Faure Négoce;zoe.faure@faure-negoce.fr;Other;Closed - Not Converted;;30/12/2023;;France;
"""

SALESFORCE_OPPORTUNITIES = f"""Opportunity ID;Opportunity Name;Account Name;Amount;Stage;Close Date;Probability (%);Created Date;Opportunity Owner
0065g00000XyZ01AAB;Équipement siège 2024;Société Générale d'Équipement;12{NBSP}500,50;Proposal/Price Quote;31/05/2024;60,5;14/02/2024;Dave Test
0065g00000XyZ02AAB;Renouvellement licences;Château & Fils;1.250,00;Closed Won;15/03/2024;100;08/01/2024;dave@example.fr
0065g00000XyZ03AAB;Extension Crèmerie;Crèmerie Bérard;3 000;Closed Lost;02/04/2024;0;10/01/2024;
"""

HUBSPOT_DEALS = f"""Record ID,Deal Name,Amount,Close Date,Deal Stage,Pipeline,Deal owner,Create Date,Associated Company
9001,Lumière SAS — plateforme,25000.5,2024-06-30 00:00,presentationscheduled,Sales Pipeline,rita@example.fr,2024-03-20 10:05,Lumière SAS
9002,Atelier Nord — extension,"1,250,000.00",2024-02-28 17:05,closedwon,Sales Pipeline,dave@example.fr,2024-01-22 16:20,Atelier Nord
9003,Vert & Bleu — pilote,8{NNBSP}000,2024-07-15 00:00,appointmentscheduled,Sales Pipeline,,2024-04-10 09:00,Vert & Bleu
"""

TOUCHPOINTS = """Email\tType\tDate\tCampaign\tNote
amelie.durand@lumiere-sas.fr\tWebinar Attended\t05/03/2024 10:00\tWebinaire IA & ventes\tA posé deux questions
amelie.durand@lumiere-sas.fr\tForm Submission\t07/03/2024 16:45\t\tLivre blanc
bruno.lefevre@atelier-nord.fr\tMeeting\t09/01/2024 09:30\t\tDémo sur site
chloe.martin@vertbleu.io\tCall\t12/04/2024 11:00\t\t
"""

SALESFORCE_CAMPAIGNS = """Campaign ID,Campaign Name,Type,Status,Start Date,End Date,Budgeted Cost
7015g000001AbcDAAS,Webinaire IA & ventes,Webinar,Completed,03/05/2024,03/18/2024,"4,500.00"
7015g000001AbcEAAS,Salon Big Data Paris,Trade Show,Completed,09/25/2023,09/26/2023,"18,000.00"
"""


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def main() -> None:
    (HERE / "hubspot_contacts.csv").write_bytes(
        codecs.BOM_UTF8 + crlf(HUBSPOT_CONTACTS).encode("utf-8")
    )
    (HERE / "salesforce_leads_fr.csv").write_bytes(crlf(SALESFORCE_LEADS).encode("cp1252"))
    (HERE / "salesforce_opportunities_fr.csv").write_bytes(
        crlf(SALESFORCE_OPPORTUNITIES).encode("cp1252")
    )
    (HERE / "hubspot_deals.csv").write_bytes(crlf(HUBSPOT_DEALS).encode("utf-8"))
    (HERE / "touchpoints.tsv").write_bytes(TOUCHPOINTS.encode("utf-8"))
    (HERE / "salesforce_campaigns.csv").write_bytes(crlf(SALESFORCE_CAMPAIGNS).encode("utf-8"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Companies"
    sheet.append(
        [
            "Record ID",
            "Company name",
            "Company Domain Name",
            "Industry",
            "Number of Employees",
            "Country/Region",
            "City",
            "Create Date",
        ]
    )
    rows = [
        [3001, "Lumière SAS", "lumiere-sas.fr", "Logiciels", 120, "France", "Paris"],
        [3002, "Atelier Nord", "atelier-nord.fr", "Industrie", "1 200", "FR", "Lille"],
        [None] * 7,  # an empty row Excel kept
        [3003, "Vert & Bleu", "vertbleu.io", "Énergie", "beaucoup", "Belgique", "Bruxelles"],
        [3004, "", "sans-nom.fr", "Conseil", 8, "France", "Lyon"],
    ]
    created = dt.datetime(2024, 3, 5, 14, 12)
    for row in rows:
        sheet.append([*row, created if row[0] else None])
    workbook.save(HERE / "hubspot_companies.xlsx")


if __name__ == "__main__":
    main()
