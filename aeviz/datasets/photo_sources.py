"""Which photos the debian-photos dataset takes from each package, its group, and its author
and licence, as the package states them. Each entry was checked by hand: only photographs
under a free licence (no drawings, renders, paintings or abstract images from the same folders).

A group is the unit the test split holds out whole: a package's series or subject folder.
"""
from __future__ import annotations

import re

# GCompris: activity bundle -> {folder inside the bundle: group}. Each folder's README (inside
# the bundle) names every photo's author, source and licence; a photo it does not name, or that
# its README calls a painting, is left out.
GCOMPRIS_FOLDERS = {
    "categorization": {"images/fishes": "fishes", "images/monuments": "monuments", "images/others": "household",
                       "images/renewable": "renewable-energy", "images/tools": "tools"},
    "clickgame": {"": "underwater"},
    "details": {"image": "monuments"},  # backgrounds of the monuments explore_monuments shows
    "erase": {"": "animals"},
    "explore_farm_animals": {"animals": "animals"},
    "explore_monuments": {"": "monuments"},  # the same monuments as categorization's, some the same files
    "explore_world_animals": {"animals": "animals"},
    "explore_world_music": {"music": "music"},
}
# Where a folder also holds drawings or cut-out pieces, the files taken (whole names); elsewhere every .webp.
GCOMPRIS_ONLY = {
    "clickgame": r"sea\d+\.webp",           # the underwater backgrounds; the fish are xfishtank's drawn sprites
    "details": r".+_background\.webp",     # the whole pictures; details_N.webp are small pieces cut out of them
}
FREE = re.compile(r"public domain|cc0|cc-by(-sa)?[- ][0-9.]+$|gpl|fdl", re.IGNORECASE)

# Photo files: {file under the package's folder: (author, licence)}, as each package's
# /usr/share/doc/<package>/copyright (and, for Palapeli, Plasma and Tux Paint, the metadata
# beside each photo; for scikit-image and scikit-learn, the docstring or README) states them.
_LOMIRI = {f"backgrounds/{name}.jpg": (author, licence) for name, author, licence in [
    ("Bridge_by_Sander_Klootwijk", "Sander Klootwijk", "CC-BY-SA-4.0"),
    ("Dragonfly_by_Bolly", "Bolly", "CC-BY-SA-4.0"),
    ("Picture_0B_by_freespace", 'Trevor "Freespace"', "CC-BY-4.0"),
    ("Picture_1A_by_freespace", 'Trevor "Freespace"', "CC-BY-4.0"),
    ("Wine_by_Jakkub_Mede", "Jakub Mede", "CC-BY-4.0"),
    ("aitzgorri_by_Aitzol_Berasategi", "Aitzol Berasategi", "CC-BY-4.0"),
    ("free_by_Peter_Nerlich", "Peter Nerlich", "CC-BY-SA-4.0"),
    ("friends_by_Aitzol_Berasategi", "Aitzol Berasategi", "CC-BY-4.0"),
    ("greentock_by_Peter_Nerlich", "Peter Nerlich", "CC-BY-SA-4.0"),
    ("life_by_Aitzol_Berasategi", "Aitzol Berasategi", "CC-BY-4.0"),
    ("picosdeeuropa_by_Aitzol_Berasategi", "Aitzol Berasategi", "CC-BY-4.0"),
    ("seeding_by_Clements_Engelhardt", "Clemens Engelhardt", "CC0-1.0"),
    ("sunset_by_Aitzol_Berasategi", "Aitzol Berasategi", "CC-BY-4.0")]}
_MATE = {f"backgrounds/mate/nature/{name}.jpg": (author, "GPL-2+") for name, author in [
    ("Aqua", "Charles Barbin"), ("Blinds", "Lennart Poettering"), ("Dune", "Marco Cogoni"),
    ("FreshFlower", "Jens Ansorg"), ("Garden", "Charles Barbin"), ("GreenMeadow", "Timothy Schellhase"),
    ("LadyBird", "Charles Barbin"), ("RainDrops", "blackcombwhistler07"), ("Storm", "Sergey Nazarov"),
    ("TwoWings", "Charles Barbin"), ("Wood", "Jean-François Fortin Tam"), ("YellowFlower", "Charles Barbin")]}
_PALAPELI = {f"palapeli/collection/{name}.jpg": (author, licence) for name, author, licence in [
    ("castle-maintenon", "Eric Pouhier", "GFDL"), ("cincinnati-bridge", "Derek Jensen", "public domain"),
    ("citrus-fruits", "US Department of Agriculture", "public domain"),
    ("european-honey-bee", "John Severns", "public domain"),
    ("panther-chameleon-female", "B. Navez and others", "GFDL")]}
_PLASMA = {f"wallpapers/{name}/contents/images/2560x1600.jpg": (author, "LGPL-3 (GPL-2+ in Debian)")
           for name, author in [
    ("BytheWater", "Maciej Wiklo"), ("ColorfulCups", "Dmitri Popov"), ("DarkestHour", "Risto Saukonpää"),
    ("EveningGlow", "Ian Hex"), ("FallenLeaf", "Martin Klapetek"), ("Kite", "Risto Saukonpää"),
    ("OneStandsOut", "Risto Saukonpää"), ("Path", "Risto Saukonpää"), ("summer_1am", "Risto Saukonpää")]}
# Tux Paint's templates: its AUTHORS.txt credits all 19 to Bill Kendrick, under the package's GPL-2+.
_TUXPAINT_TEMPLATES = {f"tuxpaint/templates/{name}.jpg": ("Bill Kendrick", "GPL-2+") for name in [
    "burnt_bark", "cliff", "corn_maze", "jellyfish", "lighthouse", "mossy_bark", "mossy_log", "mudstone",
    "ocean_splash", "ocean_waves", "redwoods_above", "rocks", "sheep", "spiders_web", "sun_behind_clouds",
    "sun_behind_leaves", "trees_above", "trees_at_dusk", "wool_mill_machine"]}
# Two starters' backgrounds are NOAA photos (reef.txt, skyline-sf-dusk.txt); the other starters are drawings.
_TUXPAINT_NOAA = {
    "tuxpaint/starters/reef-back.png": ("Thomas K. Gibson, NOAA, Florida Keys National Marine Sanctuary",
                                        "public domain"),
    "tuxpaint/starters/skyline-sf-dusk-back.jpeg": ("Rich Bourgerie, NOAA", "public domain"),
}
_SKIMAGE = {
    "skimage/data/astronaut.png": ("NASA (Eileen Collins)", "public domain"),
    "skimage/data/chelsea.png": ("Stefan van der Walt", "CC0"),
    "skimage/data/coffee.png": ("Rachel Michetti, Pikolo Espresso Bar", "CC0"),
    "skimage/data/rocket.jpg": ("SpaceX", "public domain"),
}
# sklearn/datasets/images/README.txt: both from Flickr under CC BY 2.0; it names danielbuechele for
# both, but flower.jpg's own link is vultilion's photostream.
_SKLEARN = {
    "sklearn/datasets/images/china.jpg": ("danielbuechele (Flickr)", "CC-BY-2.0"),
    "sklearn/datasets/images/flower.jpg": ("vultilion (Flickr)", "CC-BY-2.0"),
}

# group -> (package, photo files)
PHOTO_FILES = {
    "lomiri-wallpapers-16.04/16.04": ("lomiri-wallpapers-16.04", _LOMIRI),
    "mate-backgrounds/nature": ("mate-backgrounds", _MATE),
    "palapeli-data/collection": ("palapeli-data", _PALAPELI),
    "plasma-workspace-wallpapers/photos": ("plasma-workspace-wallpapers", _PLASMA),
    "tuxpaint-data/templates": ("tuxpaint-data", _TUXPAINT_TEMPLATES),
    "tuxpaint-data/noaa": ("tuxpaint-data", _TUXPAINT_NOAA),
    "scikit-image/data": ("scikit-image", _SKIMAGE),
    "scikit-learn/images": ("scikit-learn", _SKLEARN),
}
# Python packages aeviz depends on, by the name each is imported as: their files lie in the folder
# Python imports them from, not under /usr/share.
PYTHON_PACKAGES = {"scikit-image": "skimage", "scikit-learn": "sklearn"}
