function title(varargin)
% title(...): headless stand-in for Octave's title (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in title; the course's files call it.
end
