const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// Icons and codex files sit beside each node's source; n8n reads them from dist/.
function copyAssets(folder) {
	return () =>
		src([`${folder}/**/*.svg`, `${folder}/**/*.png`, `${folder}/**/*.node.json`], {
			encoding: false,
		}).pipe(dest(path.resolve('dist', folder)));
}

task('build:icons', parallel(copyAssets('nodes'), copyAssets('credentials')));
task('build', parallel(copyAssets('nodes'), copyAssets('credentials')));
